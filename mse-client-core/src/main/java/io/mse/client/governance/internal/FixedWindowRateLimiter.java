package io.mse.client.governance.internal;

import io.mse.client.governance.RateLimitRule;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A rate limit of one resource: at most {@code limitForPeriod} permits in each period, the periods
 * counted from the limiter's creation; permits left at the end of a period are not carried over. A
 * call over the limit is refused at once, never made to wait. This is the algorithm of
 * Resilience4j's {@code AtomicRateLimiter} with a zero timeout, reading time from the caller: a
 * decision reads the ticker once and passes that reading in ({@code nowNanos}).
 *
 * <p>A reading older than the period another thread has already started counts in that period
 * (the older call is ordered after the newer one), so that a late reading never takes permits
 * away from the period in force. A limit change ({@link #changeLimitForPeriod}) applies from the
 * next period; the permits of the current one stay as they are.
 *
 * <p>Lock-free (one compare-and-set per permit given); thread-safe.
 */
final class FixedWindowRateLimiter {

  /** The period in force, its permits left, and the limit the next period starts with. */
  private record Period(long index, int permitsLeft, int limit) {}

  private final long originNanos;
  private final long periodNanos;
  private final AtomicReference<Period> state;

  /**
   * @param rule the limit and period
   * @param originNanos a ticker reading: the start of the first period
   */
  FixedWindowRateLimiter(RateLimitRule rule, long originNanos) {
    this.originNanos = originNanos;
    this.periodNanos = rule.period().toNanos();
    this.state = new AtomicReference<>(new Period(0, rule.limitForPeriod(), rule.limitForPeriod()));
  }

  /**
   * Takes a permit if the period of {@code nowNanos} has one left.
   *
   * @param nowNanos a ticker reading taken by the caller
   * @return whether a permit was taken
   */
  boolean tryAcquire(long nowNanos) {
    for (;;) {
      Period current = state.get();
      long index = Math.max((nowNanos - originNanos) / periodNanos, current.index);
      int left = index == current.index ? current.permitsLeft : current.limit;
      if (left <= 0) {
        return false;
      }
      if (state.compareAndSet(current, new Period(index, left - 1, current.limit))) {
        return true;
      }
    }
  }

  /** Sets the permits of each period from the next one on; positive. */
  void changeLimitForPeriod(int limitForPeriod) {
    state.updateAndGet(p -> new Period(p.index, p.permitsLeft, limitForPeriod));
  }
}
