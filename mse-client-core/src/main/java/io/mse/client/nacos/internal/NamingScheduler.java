package io.mse.client.nacos.internal;

import java.time.Duration;

/**
 * Runs the naming engine's delayed work (beats, polls). Every elapsed-time decision of the engine
 * goes through it, so tests drive time with a manual implementation instead of sleeping.
 * Implementations are thread-safe.
 */
interface NamingScheduler extends AutoCloseable {

  /**
   * Runs {@code task} once after {@code delay}; a task scheduled after {@link #close()} is dropped.
   *
   * @return a handle that cancels the task if it has not started
   */
  Cancellable schedule(Runnable task, Duration delay);

  /** Stops running tasks; a task running now may finish. Idempotent. */
  @Override
  void close();

  /** A scheduled task that can be called off. */
  @FunctionalInterface
  interface Cancellable {

    /** Calls the task off if it has not started; no effect otherwise. */
    void cancel();

    /** A handle for a task that was never scheduled. */
    Cancellable NONE = () -> {};
  }
}
