package io.mse.client.governance.internal;

import io.mse.client.Ticker;
import io.mse.client.governance.BulkheadFullException;
import io.mse.client.governance.CircuitOpenException;
import io.mse.client.governance.GovernedAttempt;
import io.mse.client.governance.GovernedRequest;
import io.mse.client.governance.RateLimitedException;
import io.mse.client.naming.NoInstanceAvailableException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a failed attempt is retried ({@link #mayRetry}): the one retry decision of every attempt
 * loop, the blocking one of {@link DefaultGovernance#call} and {@link DefaultGovernance#callCancellable}
 * (each attempt made by an {@link AttemptRunner}), the asynchronous one of
 * {@link DefaultGovernance#callAsync} ({@link AsyncCallRun}) and the one of
 * {@link DefaultGovernance#callAttempts} ({@link #attempts}). Stateless; thread-safe.
 */
final class Retrying {

  private static final Logger LOG = LoggerFactory.getLogger(Retrying.class);
  /** How deep {@link #neverSent} looks into a failure's causes. */
  private static final int MAX_CAUSES = 16;

  private Retrying() {}

  /** Returns how many attempts {@code policy}'s retry rule allows: its {@code maxAttempts}, 1 without one. */
  static int maxAttempts(ResourcePolicy policy) {
    return policy.retry == null ? 1 : policy.retry.maxAttempts();
  }

  /**
   * Makes the attempts of an admitted call until one succeeds, a refusal ends it, or
   * {@link #mayRetry} says no more.
   */
  static <T> T attempts(Ticker ticker, GovernedRequest request, ResourcePolicy policy, GovernedAttempt<T> attempt)
      throws Exception {
    int maxAttempts = maxAttempts(policy);
    Exception last = null;
    for (int n = 1; ; n++) {
      try {
        T result = attempt.attempt(n);
        countRetry(policy, n);
        return result;
      } catch (RateLimitedException | CircuitOpenException | BulkheadFullException
          | NoInstanceAvailableException refusal) {
        if (last == null) {
          throw refusal;
        }
        last.addSuppressed(refusal);
        throw last;
      } catch (Exception e) {
        countRetry(policy, n);
        last = e;
      }
      if (!mayRetry(ticker, request, policy, last, n, maxAttempts)) {
        throw last;
      }
    }
  }

  /**
   * Returns whether attempt {@code attempt} of {@code maxAttempts}, which failed with {@code last},
   * is to be retried: attempts are left, the request is idempotent or {@code last} shows it was
   * never sent, and the retry budget has a retry left (which is taken). The retry is counted
   * ({@code RETRIED}) by the loop once it is made, not here: a retry the breaker, the bulkhead or
   * routing then refuses is not counted as made.
   */
  static boolean mayRetry(Ticker ticker, GovernedRequest request, ResourcePolicy policy, Exception last,
      int attempt, int maxAttempts) {
    if (attempt >= maxAttempts) {
      return false;
    }
    if (!request.idempotent() && !neverSent(last)) {
      LOG.debug("Not retrying '{}': the request is not idempotent and may have been sent", policy.resource);
      return false;
    }
    if (!policy.budget.tryRetry(ticker.read())) {
      policy.counters.retriesDenied.increment();
      LOG.debug("Not retrying '{}': its retry budget is spent", policy.resource);
      return false;
    }
    return true;
  }

  /** Counts attempt {@code n} as a retry when it is one: once it was made, not when it was refused. */
  private static void countRetry(ResourcePolicy policy, int n) {
    if (n > 1) {
      policy.counters.retries.increment();
    }
  }

  /**
   * Returns whether {@code failure} (or one of its first causes) shows the request was never sent:
   * the connection could not be made ({@link ConnectException}, {@link NoRouteToHostException}) or
   * the host not resolved ({@link UnknownHostException}). Such a failure may be retried even for a
   * request that is not idempotent.
   */
  static boolean neverSent(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException) {
        return true;
      }
    }
    return false;
  }
}
