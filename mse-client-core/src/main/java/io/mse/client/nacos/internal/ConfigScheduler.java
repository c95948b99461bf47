package io.mse.client.nacos.internal;

import java.time.Duration;
import java.util.concurrent.Future;

/**
 * Runs the config engine's background work: long-poll iterations, back-off waits, failover
 * directory checks. The production one is {@link ExecutorScheduler}; tests drive a manual one
 * so that no test sleeps for a back-off to pass. Implementations are thread-safe.
 */
interface ConfigScheduler extends AutoCloseable {

  /** Runs {@code task} as soon as a thread is free; dropped after {@link #close()}. */
  void execute(Runnable task);

  /**
   * Runs {@code task} after {@code delay}, unless the returned future is cancelled first; dropped
   * after {@link #close()}.
   *
   * @param purpose what the task is, for tests and thread dumps ({@code "backoff"}, {@code "failover"},
   *     {@code "timeout"})
   */
  Future<?> schedule(String purpose, Runnable task, Duration delay);

  /** Stops: queued tasks are dropped, running ones interrupted. Idempotent. */
  @Override
  void close();
}
