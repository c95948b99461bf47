package io.mse.client.governance.internal;

import io.mse.client.governance.RateLimitRule;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A rate limit of one resource: at most {@code limitForPeriod} permits in each period, the periods
 * counted from the limiter's creation; permits left at the end of a period are not carried over. A
 * call over the limit is refused at once, never made to wait. This is the algorithm of
 * Resilience4j's {@code AtomicRateLimiter} with a zero timeout, reading time from the caller: a
 * decision reads the ticker once and passes that reading in ({@code nowNanos}).
 *
 * <p>A reading older than the period another thread has already started counts in that period, so
 * that a late reading never takes permits away from it. A limit change ({@link #changeLimitForPeriod})
 * applies from the next period; the permits left in the current one stay as they are.
 *
 * <p>Lock-free: a permit is one compare-and-set on the period's counter; a new period (one object)
 * is published once per period by the first call in it. Thread-safe.
 */
final class FixedWindowRateLimiter {

  /** A period: its index, the permits left in it (shared by limit changes), the limit of the next. */
  private record Period(long index, AtomicInteger permitsLeft, int nextLimit) {}

  private final long originNanos;
  private final long periodNanos;
  private final AtomicReference<Period> current;

  /**
   * @param rule the limit and period
   * @param originNanos a ticker reading: the start of the first period
   */
  FixedWindowRateLimiter(RateLimitRule rule, long originNanos) {
    this.originNanos = originNanos;
    this.periodNanos = rule.period().toNanos();
    this.current = new AtomicReference<>(
        new Period(0, new AtomicInteger(rule.limitForPeriod()), rule.limitForPeriod()));
  }

  /**
   * Takes a permit if the period of {@code nowNanos} (or a later one already started) has one left.
   *
   * @param nowNanos a ticker reading taken by the caller
   * @return whether a permit was taken
   */
  boolean tryAcquire(long nowNanos) {
    long index = (nowNanos - originNanos) / periodNanos;
    Period period = current.get();
    while (index > period.index) {
      Period next = new Period(index, new AtomicInteger(period.nextLimit), period.nextLimit);
      if (current.compareAndSet(period, next)) {
        period = next;
      } else {
        period = current.get();
      }
    }
    AtomicInteger permits = period.permitsLeft;
    for (int left = permits.get(); left > 0; left = permits.get()) {
      if (permits.compareAndSet(left, left - 1)) {
        return true;
      }
    }
    return false;
  }

  /** Sets the permits of each period from the next one on; positive. */
  void changeLimitForPeriod(int limitForPeriod) {
    current.updateAndGet(p -> new Period(p.index, p.permitsLeft, limitForPeriod));
  }
}
