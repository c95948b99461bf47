package io.mse.client.spi;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The back-off of an engine's retries (Nacos long polls and instance polls, ZooKeeper
 * re-registrations, a dead server's rest from a transport's attempts): the wait doubles with each
 * consecutive failure, from a first wait up to a longest one ({@link #exponential}), and is drawn at
 * random from its upper half ({@link #jittered}) so that the clients of a fleet that lost their server
 * together do not come back to it in step. Stateless and thread-safe.
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

  /**
   * Returns {@code failures}' {@linkplain #exponential exponential} wait with {@linkplain #withJitter
   * jitter}: between half of it and all of it.
   *
   * @throws ArithmeticException as {@link #exponential}
   */
  public static Duration jittered(int failures, Duration first, Duration max) {
    return withJitter(exponential(failures, first, max));
  }

  /**
   * Returns a wait drawn uniformly from {@code [wait / 2, wait]} (the "equal jitter" of AWS's
   * <i>Exponential Backoff And Jitter</i>): never less than half the nominal wait, so back-off still
   * relieves the server, but spread so that many clients failing at once retry at different times.
   *
   * @param wait the nominal wait; not negative
   * @return a wait of at least {@code wait / 2} and at most {@code wait}, to the nanosecond
   * @throws IllegalArgumentException when {@code wait} is negative
   */
  public static Duration withJitter(Duration wait) {
    if (wait.isNegative()) {
      throw new IllegalArgumentException("A back-off wait cannot be negative: " + wait);
    }
    long nanos = wait.toNanos();
    long half = nanos / 2;
    return Duration.ofNanos(nanos - ThreadLocalRandom.current().nextLong(nanos - half + 1));
  }
}
