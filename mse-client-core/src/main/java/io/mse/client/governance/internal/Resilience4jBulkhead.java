package io.mse.client.governance.internal;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.mse.client.governance.BulkheadRule;
import java.time.Duration;

/**
 * The bulkhead of one resource: a Resilience4j semaphore {@link Bulkhead} made from a
 * {@link BulkheadRule}, which keeps the places. No one subscribes to its events, so Resilience4j
 * makes none. The only class of governance that uses Resilience4j's bulkhead: replacing the library
 * means replacing this file.
 *
 * <p>Resilience4j's bulkhead is configured never to wait (its {@code maxWaitDuration} 0), so that a
 * place can be taken without waiting ({@link #tryAcquire()}, for asynchronous calls, which must not
 * block) as well as with the rule's wait ({@link #acquire()}): the wait is this class's, on its own
 * monitor, woken when a place is given back ({@link #release()}) or added ({@link #change}), in wall
 * time (a real wait cannot follow the client's ticker), not in arrival order. A place is given back
 * by {@link #release()}. Giving one back reads one volatile count more (of waiting threads) and takes
 * the monitor only when a thread waits. Thread-safe.
 */
final class Resilience4jBulkhead {

  private final Bulkhead bulkhead;
  private final Object waitLock = new Object();
  private volatile BulkheadRule rule;
  /** The rule's wait, in nanoseconds; 0 when an attempt over the limit is refused at once. */
  private volatile long maxWaitNanos;
  /** The threads waiting in {@link #acquire()} now; written under {@link #waitLock}. */
  private volatile int waiting;

  /** @param name the key the bulkhead is kept under: its rule's resource, or the request's resource for {@code *} */
  Resilience4jBulkhead(String name, BulkheadRule rule) {
    this.bulkhead = Bulkhead.of(name, config(rule));
    this.rule = rule;
    this.maxWaitNanos = rule.maxWait().toNanos();
  }

  private static BulkheadConfig config(BulkheadRule rule) {
    return BulkheadConfig.custom()
        .maxConcurrentCalls(rule.maxConcurrentCalls())
        .maxWaitDuration(Duration.ZERO)
        .writableStackTraceEnabled(false)
        .build();
  }

  /** Takes a place if one is free now; never waits. */
  boolean tryAcquire() {
    return bulkhead.tryAcquirePermission();
  }

  /** Returns whether {@link #acquire()} may wait: the rule has a {@code maxWait}. */
  boolean mayWait() {
    return maxWaitNanos > 0;
  }

  /**
   * Takes a place, waiting up to the rule's {@code maxWait} (in wall time) for one to free up.
   *
   * @return false when none freed up in time
   * @throws InterruptedException when the thread is interrupted while it waits (no place taken)
   */
  boolean acquire() throws InterruptedException {
    if (bulkhead.tryAcquirePermission()) {
      return true;
    }
    long wait = maxWaitNanos;
    if (wait <= 0) {
      return false;
    }
    long deadline = System.nanoTime() + wait;
    synchronized (waitLock) {
      waiting++;
      try {
        // waiting is raised before this try: a release that this try misses sees it and wakes us.
        while (!bulkhead.tryAcquirePermission()) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          waitLock.wait(Math.max(1, left / 1_000_000), 0);
        }
        return true;
      } finally {
        waiting--;
      }
    }
  }

  /** Gives a place back; once per place taken. Wakes the threads waiting for one, if any. */
  void release() {
    bulkhead.onComplete();
    if (waiting > 0) {
      wakeWaiters();
    }
  }

  private void wakeWaiters() {
    synchronized (waitLock) {
      waitLock.notifyAll();
    }
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
    maxWaitNanos = next.maxWait().toNanos();
    rule = next;
    wakeWaiters();   // places may have been added
  }
}
