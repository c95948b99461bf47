package io.mse.client.nacos.internal;

import java.time.Duration;

/**
 * The back-off of the Nacos engine's retries (long polls, instance polls): the wait doubles with each
 * consecutive failure, from a first wait up to a longest one. Stateless and thread-safe.
 */
final class Backoff {

  private Backoff() {}

  /**
   * Returns the wait after the {@code failures}-th consecutive failure: {@code first} after the first
   * (and for 0 or fewer), doubling after each more, never more than {@code max}.
   *
   * @param first the first wait; positive
   * @param max the longest wait; not shorter than {@code first}
   */
  static Duration exponential(int failures, Duration first, Duration max) {
    int doublings = Math.min(Math.max(0, failures - 1), 30);
    Duration delay = first.multipliedBy(1L << doublings);
    return delay.compareTo(max) > 0 ? max : delay;
  }
}
