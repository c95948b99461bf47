package io.mse.client.governance;

import io.mse.client.naming.Instance;

/**
 * The outcome of one governed decision ({@link Governance#decide}): the chosen instance, with the
 * rate-limit and circuit-breaker permits and the bulkhead's place already taken (each report gives
 * the place back). The caller makes the call and then reports
 * exactly one of {@link #onSuccess()}, {@link #onError(Throwable)} or {@link #release()}; further
 * reports are ignored.
 *
 * <p>Not thread-safe: a decision is used by one thread at a time. One made by
 * {@link Governance#newDecision()} may be filled again by {@link Governance#decide(GovernedRequest,
 * Decision)} once it has been reported, so a steady stream of calls allocates nothing.
 */
public interface Decision {

  /** Returns the chosen instance; throws {@link IllegalStateException} before a decision is made. */
  Instance instance();

  /** Returns the resource of the decided request. */
  String resource();

  /** Returns the attempt's time limit in nanoseconds by the timeout rule; 0 when there is none. */
  long timeoutNanos();

  /**
   * Returns the nanoseconds since the decision's attempt started (once every permit was taken, after
   * any wait for a bulkhead place), by the client's ticker.
   */
  long elapsedNanos();

  /**
   * Reports a success: the call's duration goes to the circuit breaker (slow calls), outlier
   * detection and the counters. A success slower than the timeout is recorded as a failure with
   * a {@link CallTimeoutException}, which is returned; otherwise null.
   */
  CallTimeoutException onSuccess();

  /** Reports a failure of the call; the error is recorded by the breaker and outlier detection. */
  void onError(Throwable error);

  /** Reports that no call was made: permits are given back, nothing is recorded. */
  void release();
}
