package io.mse.client.governance.internal;

import io.mse.client.Ticker;
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
 * When a failed attempt is retried ({@link #mayRetry}), shared by {@link DefaultGovernance#call}
 * and the attempt loop of {@link DefaultGovernance#callAttempts} ({@link #attempts}). Stateless;
 * thread-safe.
 */
final class Retrying {

  private static final Logger LOG = LoggerFactory.getLogger(Retrying.class);
  /** How deep {@link #neverSent} looks into a failure's causes. */
  private static final int MAX_CAUSES = 16;

  private Retrying() {}

  /**
   * Makes the attempts of an admitted call until one succeeds, a refusal ends it, or
   * {@link #mayRetry} says no more.
   */
  static <T> T attempts(Ticker ticker, GovernedRequest request, ResourcePolicy policy, int maxAttempts,
      GovernedAttempt<T> attempt) throws Exception {
    Exception last = null;
    for (int n = 1; ; n++) {
      try {
        return attempt.attempt(n);
      } catch (RateLimitedException | CircuitOpenException | NoInstanceAvailableException refusal) {
        if (last == null) {
          throw refusal;
        }
        last.addSuppressed(refusal);
        throw last;
      } catch (Exception e) {
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
   * never sent, and the retry budget has a retry left (which is taken and counted).
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
    policy.counters.retries.increment();
    return true;
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
