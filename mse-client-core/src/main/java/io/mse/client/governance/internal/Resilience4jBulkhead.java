package io.mse.client.governance.internal;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.mse.client.governance.BulkheadRule;

/**
 * The bulkhead of one resource: a Resilience4j semaphore {@link Bulkhead} made from a
 * {@link BulkheadRule}. No one subscribes to its events, so Resilience4j makes none. The only class
 * of governance that uses Resilience4j's bulkhead: replacing the library means replacing this file.
 *
 * <p>A permit is taken by {@link #tryAcquire()} (which waits up to the rule's {@code maxWait}, in
 * wall time, on the semaphore) and given back by {@link #release()}. Thread-safe.
 */
final class Resilience4jBulkhead {

  private final Bulkhead bulkhead;
  private volatile BulkheadRule rule;

  /** @param name the key the bulkhead is kept under: its rule's resource, or the request's resource for {@code *} */
  Resilience4jBulkhead(String name, BulkheadRule rule) {
    this.bulkhead = Bulkhead.of(name, config(rule));
    this.rule = rule;
  }

  private static BulkheadConfig config(BulkheadRule rule) {
    return BulkheadConfig.custom()
        .maxConcurrentCalls(rule.maxConcurrentCalls())
        .maxWaitDuration(rule.maxWait())
        .writableStackTraceEnabled(false)
        .build();
  }

  /**
   * Takes a place, waiting up to the rule's {@code maxWait} for one; false when none freed up (or
   * the thread was interrupted while waiting).
   */
  boolean tryAcquire() {
    return bulkhead.tryAcquirePermission();
  }

  /** Gives a place back; once per successful {@link #tryAcquire()}. */
  void release() {
    bulkhead.onComplete();
  }

  /** Returns the limit now in force. */
  int maxConcurrentCalls() {
    return rule.maxConcurrentCalls();
  }

  /**
   * Returns whether {@code next} can be applied in place: a limit that does not shrink (places are
   * added at once, calls in flight keep theirs). Shrinking in place would make the caller wait for
   * calls in flight to end (Resilience4j takes the places back before it returns).
   */
  boolean canChangeTo(BulkheadRule next) {
    return next.maxConcurrentCalls() >= rule.maxConcurrentCalls();
  }

  /** Applies {@code next} in place; only when {@link #canChangeTo} says so. */
  void change(BulkheadRule next) {
    bulkhead.changeConfig(config(next));
    rule = next;
  }
}
