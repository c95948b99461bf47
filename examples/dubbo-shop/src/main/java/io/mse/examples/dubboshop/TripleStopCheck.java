package io.mse.examples.dubboshop;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.common.extension.Wrapper;
import org.apache.dubbo.rpc.Exporter;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.Protocol;
import org.apache.dubbo.rpc.ProtocolServer;
import org.apache.dubbo.rpc.RpcException;
import org.apache.dubbo.rpc.model.FrameworkModel;
import org.apache.dubbo.rpc.model.ScopeModelAware;

/**
 * The demo's own instrument, not something an application needs: a Dubbo wrapper of the triple
 * protocol (extension {@value #NAME}, declared in {@code META-INF/dubbo/org.apache.dubbo.rpc.Protocol})
 * that runs a check registered for a framework right before that framework's triple protocol is
 * destroyed, i.e. before its servers stop serving. The shutdown step uses it to read the registry at
 * that moment. Each check runs once. Thread-safe.
 */
@Wrapper(matches = "tri")
public final class TripleStopCheck implements Protocol, ScopeModelAware {

  /** The extension name. */
  public static final String NAME = "shop-stop-check";

  private static final Map<FrameworkModel, Runnable> CHECKS = new ConcurrentHashMap<>();

  private final Protocol protocol;
  private volatile FrameworkModel framework;

  /** Made by Dubbo's extension loader around the triple protocol of each framework. */
  public TripleStopCheck(Protocol protocol) {
    this.protocol = protocol;
  }

  /** Runs {@code check} right before {@code framework}'s triple protocol is destroyed (once). */
  static void beforeStop(FrameworkModel framework, Runnable check) {
    CHECKS.put(framework, check);
  }

  /** Drops the check of {@code framework}, if it has not run. */
  static void forget(FrameworkModel framework) {
    CHECKS.remove(framework);
  }

  @Override
  public void setFrameworkModel(FrameworkModel frameworkModel) {
    this.framework = frameworkModel;
  }

  @Override
  public void destroy() {
    FrameworkModel f = framework;
    Runnable check = f == null ? null : CHECKS.remove(f);
    try {
      if (check != null) {
        check.run();
      }
    } finally {
      protocol.destroy();
    }
  }

  @Override
  public int getDefaultPort() {
    return protocol.getDefaultPort();
  }

  @Override
  public <T> Exporter<T> export(Invoker<T> invoker) throws RpcException {
    return protocol.export(invoker);
  }

  @Override
  public <T> Invoker<T> refer(Class<T> type, URL url) throws RpcException {
    return protocol.refer(type, url);
  }

  @Override
  public List<ProtocolServer> getServers() {
    return protocol.getServers();
  }
}
