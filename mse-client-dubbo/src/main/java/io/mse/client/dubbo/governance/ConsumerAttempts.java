package io.mse.client.dubbo.governance;

import io.mse.client.governance.CallTimeoutException;
import io.mse.client.governance.CandidateRouter;
import io.mse.client.governance.CircuitOpenException;
import io.mse.client.governance.Decision;
import io.mse.client.governance.GovernedRequest;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.common.constants.CommonConstants;
import org.apache.dubbo.remoting.RemotingException;
import org.apache.dubbo.remoting.TimeoutException;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.Result;
import org.apache.dubbo.rpc.RpcException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer half of {@link MseFilter}: one attempt of a call on the provider Dubbo picked.
 * Takes the circuit-breaker permit through the {@link CandidateRouter} that routed the call (for
 * outlier detection of that provider; an unrouted call reports to a router without candidates,
 * which feeds the breaker and counters only); a refused attempt is refused again, without counting,
 * when Dubbo's own failover retries it, sets the resource's timeout as the attempt's Dubbo
 * timeout (a timeout the caller put in {@code RpcContext} still wins), and reports the outcome once
 * the result is complete (at once for a synchronous call):
 * <ul>
 *   <li>success: a normal result, or a business exception (the provider's method threw) unless
 *       {@value MseDubboGovernance#BIZ_FAILURE_KEY} is true; a success later than the timeout is
 *       turned into a {@link RpcException#TIMEOUT_EXCEPTION} result;
 *   <li>failure: any other exception — Dubbo's timeout (recorded as a timeout), network and
 *       serialization failures, an {@link RpcException} the provider answered (such as its rate
 *       limit). A failure also marks the provider as failed for this call, so a retry goes elsewhere.
 * </ul>
 * In-JVM calls ({@code injvm}, no port) are not governed per attempt: nothing crosses a network.
 * Thread-safe.
 */
final class ConsumerAttempts {

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerAttempts.class);

  private final GovernanceHolder holder;
  private final Invocations invocations;

  ConsumerAttempts(GovernanceHolder holder, Invocations invocations) {
    this.holder = holder;
    this.invocations = invocations;
  }

  Result invoke(Invoker<?> invoker, Invocation invocation) {
    GovernanceHolder.Installed installed = holder.installed();
    if (installed == null || invoker.getUrl().getPort() <= 0) {   // none, or an in-JVM call (injvm)
      return invoker.invoke(invocation);
    }
    if (invocation.get(Invocations.REFUSED) instanceof RpcException refused) {
      throw refused;   // Dubbo's failover retrying an attempt mse refused: refused again, counted once
    }
    URL url = invoker.getUrl();
    Decision decision;
    GovernedRequest request;
    try {
      request = (GovernedRequest) invocation.get(Invocations.REQUEST);
      if (request == null) {   // the cluster filter is off
        request = invocations.consumer(url, invocation, Invocations.outboundTag(invocation));
      }
      CandidateRouter router = (CandidateRouter) invocation.get(Invocations.ROUTER);
      if (router == null) {    // the router is off
        router = holder.unroutedRouter(installed, request.service());
      }
      decision = router.decide(request, url.getHost(), url.getPort());
    } catch (CircuitOpenException refusal) {
      RpcException e = Refusals.rpc(refusal);
      invocation.put(Invocations.REFUSED, e);
      throw e;
    } catch (IllegalStateException closed) {
      holder.closedGovernance(closed);
      return invoker.invoke(invocation);
    }
    long timeoutNanos = decision.timeoutNanos();
    if (timeoutNanos > 0) {
      invocation.setObjectAttachment(CommonConstants.TIMEOUT_KEY,
          (int) Math.min(Integer.MAX_VALUE, Math.max(1, (timeoutNanos + 999_999) / 1_000_000)));
    }
    Result result;
    try {
      result = invoker.invoke(invocation);
    } catch (RuntimeException | Error e) {
      failure(decision, request, e);
      Invocations.failedOn(invocation, url.getAddress());
      throw e;
    }
    GovernedRequest req = request;
    return result.whenCompleteWithContext((r, t) -> {
      try {
        completed(decision, req, invocation, url, r, t);
      } catch (RuntimeException e) {
        LOG.warn("Could not record the outcome of a call to '{}'", req.resource(), e);
      }
    });
  }

  private static void completed(Decision decision, GovernedRequest request, Invocation invocation, URL url, Result r,
      Throwable t) {
    Throwable e = t != null ? unwrap(t) : r == null ? null : r.getException();
    if (e == null) {
      success(decision, r);
    } else if (!isBusiness(e)) {
      failure(decision, request, e);
      Invocations.failedOn(invocation, url.getAddress());
    } else if (url.getMethodParameter(methodOf(request), MseDubboGovernance.BIZ_FAILURE_KEY, false)) {
      decision.onError(e);
    } else {
      success(decision, r);
    }
  }

  /**
   * Returns whether a call's exception is a business one (the provider's method threw it): anything
   * but a non-business {@link RpcException}, a {@link RemotingException} (network, Dubbo's timeout)
   * or an {@link Error}.
   */
  static boolean isBusiness(Throwable e) {
    if (e instanceof RpcException rpc) {
      return rpc.isBiz();
    }
    return !(e instanceof RemotingException || e instanceof java.util.concurrent.TimeoutException
        || e instanceof Error);
  }

  /** The Dubbo method name of a request: the part of its resource after {@code #}. */
  private static String methodOf(GovernedRequest request) {
    String resource = request.resource();
    return resource.substring(resource.indexOf('#') + 1);
  }

  private static void success(Decision decision, Result r) {
    CallTimeoutException late = decision.onSuccess();
    if (late != null && r != null) {
      r.setException(Refusals.rpc(late));
    }
  }

  private static void failure(Decision decision, GovernedRequest request, Throwable e) {
    if (isTimeout(e)) {
      long timeout = decision.timeoutNanos();
      long elapsed = decision.elapsedNanos();
      CallTimeoutException recorded = new CallTimeoutException(request.resource(),
          Duration.ofNanos(timeout > 0 ? timeout : elapsed), Duration.ofNanos(elapsed));
      recorded.initCause(e);
      decision.onError(recorded);
    } else {
      decision.onError(e);
    }
  }

  private static boolean isTimeout(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof TimeoutException || t instanceof RpcException rpc && rpc.isTimeout()) {
        return true;
      }
    }
    return false;
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
