package io.mse.client.dubbo.governance;

import org.apache.dubbo.common.URL;
import org.apache.dubbo.common.extension.Activate;
import org.apache.dubbo.rpc.cluster.router.state.StateRouter;
import org.apache.dubbo.rpc.cluster.router.state.StateRouterFactory;

/**
 * Makes the {@link MseStateRouter} of each router chain of a reference (extension
 * {@value MseDubboGovernance#EXTENSION_NAME}, active on every reference; {@code router="-mse"} on a
 * reference, or {@code dubbo.consumer.router=-mse}, turns it off). It runs after Dubbo's own state
 * routers (mock, mesh, tag, condition, script: order {@value #ORDER}), so it narrows what they left.
 * Not cached by service key: Dubbo keeps two chains per reference and each router holds the
 * candidate list of its own chain. Thread-safe.
 */
@Activate(order = MseStateRouterFactory.ORDER)
public final class MseStateRouterFactory implements StateRouterFactory {

  /** After Dubbo's built-in state routers, the last of which (script) has order 200. */
  static final int ORDER = 300;

  @Override
  public <T> StateRouter<T> getRouter(Class<T> interfaceClass, URL url) {
    return new MseStateRouter<>(url);
  }
}
