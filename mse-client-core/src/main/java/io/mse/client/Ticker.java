package io.mse.client;

/**
 * A source of monotonic time in nanoseconds, read for every elapsed-time decision the client makes
 * (beats, long-poll back-off, token refresh, rate windows, breaker waits, ejection times, warm-up).
 *
 * <p>The default is {@link #system()}; tests pass a fake ticker and advance it instead of sleeping.
 * Implementations must be thread-safe. Values are only meaningful as differences, like
 * {@link System#nanoTime()}.
 */
@FunctionalInterface
public interface Ticker {

  /** Returns the current reading in nanoseconds; only differences between readings mean anything. */
  long read();

  /** Returns the ticker backed by {@link System#nanoTime()}; thread-safe, allocation-free. */
  static Ticker system() {
    return System::nanoTime;
  }
}
