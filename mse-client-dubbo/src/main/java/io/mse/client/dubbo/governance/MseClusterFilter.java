package io.mse.client.dubbo.governance;

import io.mse.client.MseException;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernedRequest;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.common.constants.CommonConstants;
import org.apache.dubbo.common.extension.Activate;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.apache.dubbo.rpc.AppResponse;
import org.apache.dubbo.rpc.AsyncRpcResult;
import org.apache.dubbo.rpc.InvokeMode;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.Result;
import org.apache.dubbo.rpc.RpcContext;
import org.apache.dubbo.rpc.RpcException;
import org.apache.dubbo.rpc.RpcInvocation;
import org.apache.dubbo.rpc.cluster.filter.ClusterFilter;
import org.apache.dubbo.rpc.model.ApplicationModel;

/**
 * The consumer's governance of one logical call, before Dubbo routes and balances it (extension
 * {@value MseDubboGovernance#EXTENSION_NAME}, active on every reference; {@code filter="-mse"} turns
 * it off with {@link MseFilter}):
 * <ol>
 *   <li>tag: the invocation's {@code dubbo.tag} attachment, else {@link io.mse.client.governance.TagContext}'s
 *       tag, which is then attached (so the next hop and Dubbo's tag router see it) — even when no
 *       governance is installed;
 *   <li>the call's {@link GovernedRequest} (service = interface, resource = {@code interface#method}),
 *       left on the invocation for the router and the per-attempt filter;
 *   <li>rate limit: one permit per logical call; refused with {@link RpcException#LIMIT_EXCEEDED_EXCEPTION};
 *   <li>a synchronous call a provider answered with an {@link RpcException} (such as its own rate
 *       limit) throws that exception, code included (Dubbo alone wraps it in one of code 0);
 *   <li>retries: when a retry rule applies and the reference uses Dubbo's default {@code failover}
 *       cluster, governance owns them — Dubbo's own retries are set to 0 for each attempt, and
 *       {@link Governance#callAttempts} makes up to the rule's {@code maxAttempts} within the retry
 *       budget, each on another provider when there is one (the router leaves out the providers that
 *       failed); refusals, business exceptions and Dubbo's "no provider" are not retried.
 *       Asynchronous calls are not retried (as with Dubbo's failover). Without a retry rule Dubbo's
 *       {@code retries} apply as configured.
 * </ol>
 * Thread-safe; one instance per Dubbo module.
 */
@Activate(group = CommonConstants.CONSUMER, order = MseClusterFilter.ORDER)
public final class MseClusterFilter implements ClusterFilter {

  /** Right after Dubbo's ConsumerContextFilter (which copies the caller's attachments in). */
  static final int ORDER = -10_000;

  private final GovernanceHolder holder;
  private final Invocations invocations = new Invocations();

  /** Made by Dubbo's extension loader for each module of {@code application}. */
  public MseClusterFilter(ApplicationModel application) {
    this.holder = GovernanceHolder.of(application);
  }

  @Override
  public Result invoke(Invoker<?> invoker, Invocation invocation) throws RpcException {
    String tag = Invocations.outboundTag(invocation);
    Governance governance = holder.governance();
    if (governance == null) {
      return invoker.invoke(invocation);
    }
    URL url = invoker.getUrl();
    GovernedRequest request;
    boolean ownRetries;
    try {
      request = invocations.consumer(url, invocation, tag);
      ownRetries = governance.retryOf(request) != null
          && "failover".equals(url.getParameter(CommonConstants.CLUSTER_KEY, "failover"));
      if (!ownRetries) {
        governance.acquirePermit(request);
      }
    } catch (MseException refusal) {
      throw Refusals.rpc(refusal);
    } catch (IllegalStateException closed) {
      holder.closedGovernance(closed);
      return invoker.invoke(invocation);
    }
    invocation.put(Invocations.REQUEST, request);
    return ownRetries ? withRetries(governance, request, invoker, invocation) : once(request, invoker, invocation);
  }

  /**
   * A call whose retries are Dubbo's: a refusal among its failures is thrown as itself, and an
   * {@link RpcException} a provider answered a synchronous call with (its rate limit, say) is thrown
   * as the provider sent it, code included, rather than wrapped by Dubbo in an exception of code 0.
   */
  private static Result once(GovernedRequest request, Invoker<?> invoker, Invocation invocation) {
    Result result;
    try {
      result = invoker.invoke(invocation);
    } catch (RpcException e) {
      MseException refusal = Refusals.refusalIn(e, request.service());
      throw refusal == null ? e : Refusals.rpc(refusal);
    }
    RpcException answered = synchronousFailure(result, invocation);
    if (answered != null) {
      throw answered;
    }
    return result;
  }

  private static Result withRetries(Governance governance, GovernedRequest request, Invoker<?> invoker,
      Invocation invocation) {
    int[] made = new int[1];
    try {
      return governance.callAttempts(request, attempt -> {
        made[0] = attempt;
        return attempt(invoker, invocation, request);
      });
    } catch (RpcException e) {
      if (made[0] <= 1) {
        throw e;
      }
      throw new RpcException(e.getCode(), "mse governance: " + made[0] + " attempts of '" + request.resource()
          + "' failed; the last: " + e.getMessage(), e);
    } catch (MseException refusal) {
      throw Refusals.rpc(refusal);
    } catch (Exception e) {
      throw new RpcException(e.getMessage(), e);
    }
  }

  /**
   * One attempt: Dubbo's failover makes exactly one (its {@code retries} set to 0 through the client
   * attachment it reads); a synchronous failure (thrown, or a non-business {@link RpcException} the
   * result already holds) is thrown for a retry, a refusal as itself (never retried), a business
   * exception returned as the result (never retried).
   */
  private static Result attempt(Invoker<?> invoker, Invocation invocation, GovernedRequest request)
      throws Exception {
    RpcContext.getClientAttachment().setObjectAttachment(CommonConstants.RETRIES_KEY, 0);
    try {
      Result result = invoker.invoke(invocation);
      RpcException failure = synchronousFailure(result, invocation);
      if (failure != null) {
        throw failure;
      }
      return result;
    } catch (RpcException e) {
      MseException refusal = Refusals.refusalIn(e, request.service());
      if (refusal != null) {
        throw refusal;
      }
      if (e.isBiz()) {
        return AsyncRpcResult.newDefaultAsyncResult(e, invocation);
      }
      throw e;
    } finally {
      RpcContext.getClientAttachment().removeAttachment(CommonConstants.RETRIES_KEY);
    }
  }

  /**
   * Returns the failure a synchronous call's result already holds: an {@link RpcException} other
   * than a business one that the provider answered with (Dubbo's RpcExceptionFilter fails the
   * result with it rather than throwing); null for a success, a business exception, or a call that
   * is not synchronous or not complete.
   */
  static RpcException synchronousFailure(Result result, Invocation invocation) {
    if (!(invocation instanceof RpcInvocation rpc) || rpc.getInvokeMode() != InvokeMode.SYNC
        || !(result instanceof AsyncRpcResult async) || !async.getResponseFuture().isDone()) {
      return null;
    }
    Throwable failure;
    try {
      AppResponse response = async.getResponseFuture().getNow(null);
      failure = response == null ? null : response.getException();
    } catch (CompletionException | CancellationException e) {
      failure = e.getCause() == null ? e : e.getCause();
    }
    return failure instanceof RpcException e && !e.isBiz() ? e : null;
  }
}
