package io.mse.client.governance.internal;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.mse.client.Ticker;
import java.util.function.Supplier;

/**
 * The time source of the rate limiters: the ticker, whose last reading during a decision's permit
 * request is passed on to that decision as its start time. A decision with a rate limit thus reads
 * the ticker once for its permit, its warm-up and ejection checks and its start (a ticker read costs
 * ~25 ns, as much as the rest of a permit).
 *
 * <p>The limiter still reads the ticker itself, after reading its own state and again on every
 * retry of its compare-and-set, as Resilience4j requires: handing it an earlier reading instead
 * would let a thread see a state from a later cycle than its time, and take permits away. The
 * reading is passed on the deciding thread only, for the duration of {@link #acquire}. Thread-safe.
 */
final class DecisionTime implements Supplier<Long> {

  private static final long IDLE = 0;
  private static final long WATCHING = 1;
  private static final long READ = 2;

  /** Per thread: [0] the last reading taken while watching, [1] IDLE, WATCHING or READ. */
  private static final ThreadLocal<long[]> SLOT = ThreadLocal.withInitial(() -> new long[2]);

  private final Ticker ticker;

  DecisionTime(Ticker ticker) {
    this.ticker = ticker;
  }

  /**
   * Asks {@code limiter} (made with a {@code DecisionTime} over {@code ticker}) for a permit and sets
   * the decision's start time to the last ticker reading the limiter took, or to a fresh one.
   *
   * @return whether the permit was given
   */
  static boolean acquire(RateLimiter limiter, Ticker ticker, DecisionImpl decision) {
    long[] slot = SLOT.get();
    slot[1] = WATCHING;
    try {
      boolean permitted = limiter.acquirePermission();
      decision.startNanos = slot[1] == READ ? slot[0] : ticker.read();
      return permitted;
    } finally {
      slot[1] = IDLE;
    }
  }

  @Override
  public Long get() {
    long now = ticker.read();
    long[] slot = SLOT.get();
    if (slot[1] != IDLE) {
      slot[0] = now;
      slot[1] = READ;
    }
    return now;
  }
}
