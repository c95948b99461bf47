package io.mse.client.dubbo.governance;

import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernedRequest;
import io.mse.client.governance.RateLimitedException;
import io.mse.client.governance.TagContext;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.common.constants.CommonConstants;
import org.apache.dubbo.common.extension.Activate;
import org.apache.dubbo.rpc.AsyncRpcResult;
import org.apache.dubbo.rpc.Filter;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.Result;
import org.apache.dubbo.rpc.RpcException;
import org.apache.dubbo.rpc.model.ApplicationModel;

/**
 * mse-client's governance around each Dubbo invocation of one provider (extension
 * {@value MseDubboGovernance#EXTENSION_NAME}, active on every reference and service;
 * {@code filter="-mse"} turns it off on a reference or service, {@code dubbo.consumer.filter=-mse} /
 * {@code dubbo.provider.filter=-mse} everywhere on one side).
 *
 * <p><b>Consumer</b>, once per attempt on the provider Dubbo picked ({@link ConsumerAttempts}):
 * circuit-breaker permit (refused with {@link RpcException#FORBIDDEN_EXCEPTION}), the timeout rule
 * as the attempt's Dubbo timeout, and the outcome to the breaker, the router's outlier detection and
 * the counters.
 *
 * <p><b>Provider</b>, once per inbound call: the caller's tag ({@code dubbo.tag}, else
 * {@code x-mse-tag}) is put into {@link TagContext} for the nested calls the method makes on this
 * thread, and the previous tag restored after (for an asynchronous method, only while it runs on
 * this thread); the rate limit of {@code interface#method} (else the interface, else {@code *})
 * protects the provider: an excess call is answered, without running the method, with an
 * {@link RpcException} of code {@link RpcException#LIMIT_EXCEEDED_EXCEPTION} naming the resource,
 * which the consumer receives as such.
 *
 * <p>Thread-safe; one instance per Dubbo module.
 */
@Activate(group = {CommonConstants.CONSUMER, CommonConstants.PROVIDER}, order = MseFilter.ORDER)
public final class MseFilter implements Filter {

  /** Provider: after Dubbo's context, class-loader and generic filters; consumer: early. */
  static final int ORDER = -5_000;

  private final GovernanceHolder holder;
  private final Invocations invocations = new Invocations();
  private final ConsumerAttempts consumer;

  /** Made by Dubbo's extension loader for each module of {@code application}. */
  public MseFilter(ApplicationModel application) {
    this.holder = GovernanceHolder.of(application);
    this.consumer = new ConsumerAttempts(holder, invocations);
  }

  @Override
  public Result invoke(Invoker<?> invoker, Invocation invocation) throws RpcException {
    URL url = invoker.getUrl();
    return CommonConstants.CONSUMER_SIDE.equals(url.getSide())
        ? consumer.invoke(invoker, invocation)
        : provide(invoker, invocation, url);
  }

  private Result provide(Invoker<?> invoker, Invocation invocation, URL url) {
    String previous = TagContext.current();
    TagContext.set(Invocations.inboundTag(invocation));
    try {
      Governance governance = holder.governance();
      if (governance != null) {
        GovernedRequest request = invocations.provider(url, invocation);
        try {
          governance.acquirePermit(request);
        } catch (RateLimitedException refusal) {
          return AsyncRpcResult.newDefaultAsyncResult(Refusals.forWire(refusal), invocation);
        } catch (IllegalStateException closed) {
          holder.closedGovernance(closed);
        }
      }
      return invoker.invoke(invocation);
    } finally {
      TagContext.set(previous);
    }
  }
}
