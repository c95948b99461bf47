package io.mse.client.governance;

import java.time.Duration;

/**
 * A bulkhead of a resource: at most {@code maxConcurrentCalls} attempts to it run at once (a
 * semaphore, Resilience4j's {@code SemaphoreBulkhead}); an attempt over the limit waits up to
 * {@code maxWait} for a place to free up and is then refused with {@link BulkheadFullException}.
 * A place is taken when an attempt is decided and given back when its outcome is reported (or, for
 * {@link Governance#call}, when the attempt returns or throws), so each retry takes a place of its
 * own. An attempt that times out gives its place back at the timeout, also when its work ignores
 * the cancellation ({@link Governance#callCancellable}, {@link Governance#callAsync}) and so goes on
 * running: such work no longer counts against the limit. Immutable and thread-safe.
 *
 * <p>The wait is the calling thread's real wait, in wall time: it cannot be driven by the client's
 * {@link io.mse.client.Ticker} (nothing else in governance waits), and it is not the attempt's time
 * (its timeout and the breaker's slow-call duration start after it). Waiting threads are not served
 * in arrival order. A thread interrupted while it waits is refused with a
 * {@link BulkheadFullException} whose cause is the {@link InterruptedException}, its interrupt flag
 * kept, and not counted as a refusal ({@link Governance#callCancellable} throws the
 * {@link InterruptedException} itself). {@link Governance#callAsync} never waits: a full bulkhead
 * refuses its attempts at once. With the default {@code maxWait} of 0 an attempt over the limit is
 * refused at once, as Sentinel's thread-count flow rules refuse.
 *
 * @param resource the resource, a service name, or {@code *} for every resource without its own
 *     rule (each resource then gets its own bulkhead); non-blank
 * @param maxConcurrentCalls attempts allowed at once; positive
 * @param maxWait how long an attempt over the limit waits for a place; 0 (the default) to at most
 *     24 h; null means 0
 */
public record BulkheadRule(String resource, int maxConcurrentCalls, Duration maxWait) {

  /**
   * Checks and normalizes the values (see the record's description).
   *
   * @throws RuleValueException naming the field and its value when {@code resource} is blank,
   *     {@code maxConcurrentCalls} is not positive, or {@code maxWait} is negative or over 24 h
   */
  public BulkheadRule {
    resource = RuleChecks.nonBlank("resource", resource);
    RuleChecks.positive("maxConcurrentCalls", maxConcurrentCalls);
    maxWait = maxWait == null ? Duration.ZERO : RuleChecks.nonNegative("maxWait", maxWait);
  }

  /**
   * Returns a bulkhead of {@code maxConcurrentCalls} that refuses the excess at once (no wait).
   *
   * @throws RuleValueException when {@code maxConcurrentCalls} is not positive or {@code resource} is blank
   */
  public static BulkheadRule of(String resource, int maxConcurrentCalls) {
    return new BulkheadRule(resource, maxConcurrentCalls, Duration.ZERO);
  }
}
