package io.mse.client.spi;

import java.time.Duration;

/**
 * The back-off of an engine's retries (Nacos long polls and instance polls, ZooKeeper
 * re-registrations): the wait doubles with each consecutive failure, from a first wait up to a
 * longest one. Stateless and thread-safe.
 */
public final class Backoff {

  private Backoff() {}

  /**
   * Returns the wait after the {@code failures}-th consecutive failure: {@code first} after the first
   * (and for 0 or fewer), doubling after each more, never more than {@code max}.
   *
   * @param first the first wait; positive
   * @param max the longest wait; not shorter than {@code first}
   * @throws ArithmeticException when {@code first} is so long that doubling it overflows a Duration
   */
  public static Duration exponential(int failures, Duration first, Duration max) {
    int doublings = Math.min(Math.max(0, failures - 1), 30);
    Duration delay = first.multipliedBy(1L << doublings);
    return delay.compareTo(max) > 0 ? max : delay;
  }
}
