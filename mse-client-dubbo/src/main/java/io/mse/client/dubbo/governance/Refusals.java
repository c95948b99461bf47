package io.mse.client.dubbo.governance;

import io.mse.client.MseException;
import io.mse.client.governance.CallTimeoutException;
import io.mse.client.governance.CircuitOpenException;
import io.mse.client.governance.RateLimitedException;
import io.mse.client.naming.NoInstanceAvailableException;
import org.apache.dubbo.rpc.RpcException;

/**
 * How governance's refusals reach Dubbo callers: as {@link RpcException}s with a code callers
 * already test for, a message naming the resource, and the refusal as cause. Stateless.
 */
final class Refusals {

  private Refusals() {}

  /**
   * Maps a refusal: {@link RateLimitedException} → {@link RpcException#LIMIT_EXCEEDED_EXCEPTION},
   * {@link CircuitOpenException} → {@link RpcException#FORBIDDEN_EXCEPTION},
   * {@link NoInstanceAvailableException} → {@link RpcException#NO_INVOKER_AVAILABLE_AFTER_FILTER},
   * {@link CallTimeoutException} → {@link RpcException#TIMEOUT_EXCEPTION}, others →
   * {@link RpcException#UNKNOWN_EXCEPTION}; a refusal made of Dubbo's own failure gives that failure back.
   */
  static RpcException rpc(MseException refusal) {
    if (refusal.getCause() instanceof RpcException dubbos) {
      return dubbos;
    }
    int code;
    if (refusal instanceof RateLimitedException) {
      code = RpcException.LIMIT_EXCEEDED_EXCEPTION;
    } else if (refusal instanceof CircuitOpenException) {
      code = RpcException.FORBIDDEN_EXCEPTION;
    } else if (refusal instanceof NoInstanceAvailableException) {
      code = RpcException.NO_INVOKER_AVAILABLE_AFTER_FILTER;
    } else if (refusal instanceof CallTimeoutException) {
      code = RpcException.TIMEOUT_EXCEPTION;
    } else {
      code = RpcException.UNKNOWN_EXCEPTION;
    }
    return new RpcException(code, "mse governance refused the call: " + refusal.getMessage(), refusal);
  }

  /**
   * Maps a provider's refusal for the wire: as {@link #rpc} but without the refusal as cause, so that
   * the answer holds only Dubbo's own exception class (the consumer need not have mse-client, and
   * Dubbo's serialization allow-list need not name it).
   */
  static RpcException forWire(MseException refusal) {
    RpcException local = rpc(refusal);
    return new RpcException(local.getCode(), local.getMessage());
  }

  /**
   * Returns the refusal a Dubbo failure carries (a cause of {@code e} that is a
   * {@link RateLimitedException}, {@link CircuitOpenException} or
   * {@link NoInstanceAvailableException}), or one made of Dubbo's own "no provider" failure (with
   * {@code e} as its cause: {@link #rpc} gives {@code e} back); null when {@code e} is not a refusal.
   */
  static MseException refusalIn(RpcException e, String service) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof RateLimitedException || t instanceof CircuitOpenException
          || t instanceof NoInstanceAvailableException) {
        return (MseException) t;
      }
    }
    if (e.getCode() == RpcException.NO_INVOKER_AVAILABLE_AFTER_FILTER) {
      NoInstanceAvailableException refusal = new NoInstanceAvailableException(service, e.getMessage());
      refusal.initCause(e);
      return refusal;
    }
    return null;
  }
}
