package io.mse.client.governance.internal;

import io.mse.client.Ticker;
import java.util.function.Supplier;

/**
 * The time source of the rate limiters: the ticker, except while a decision asks a limiter for a
 * permit, when it returns the ticker reading that decision has already taken. A decision thus reads
 * the ticker once for its rate limit, its warm-up and ejection checks, and its start time (a ticker
 * read costs ~25 ns, as much as the rest of a permit). The reading is handed over on the deciding
 * thread only, for the duration of {@link #acquire}; any other call reads the ticker. Thread-safe.
 */
final class DecisionTime implements Supplier<Long> {

  /** Per thread: [0] the handed reading, [1] 1 while it is being handed over. */
  private static final ThreadLocal<long[]> HANDED = ThreadLocal.withInitial(() -> new long[2]);

  private final Ticker ticker;

  DecisionTime(Ticker ticker) {
    this.ticker = ticker;
  }

  /** Asks {@code limiter} for a permit as of the ticker reading {@code now}. */
  static boolean acquire(io.github.resilience4j.ratelimiter.RateLimiter limiter, long now) {
    long[] slot = HANDED.get();
    slot[0] = now;
    slot[1] = 1;
    try {
      return limiter.acquirePermission();
    } finally {
      slot[1] = 0;
    }
  }

  @Override
  public Long get() {
    long[] slot = HANDED.get();
    return slot[1] != 0 ? slot[0] : ticker.read();
  }
}
