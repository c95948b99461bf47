package io.mse.client.nacos.internal;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ConfigScheduler} on a {@link ScheduledThreadPoolExecutor} whose threads are started
 * lazily, one at first use and more only when {@link #parallelism(int)} asks (up to
 * {@link #MAX_THREADS}). Thread-safe.
 */
final class ExecutorConfigScheduler implements ConfigScheduler {

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorConfigScheduler.class);
  static final int MAX_THREADS = 4;

  private final ScheduledThreadPoolExecutor executor;

  ExecutorConfigScheduler(ThreadFactory threadFactory) {
    this.executor = new ScheduledThreadPoolExecutor(1, threadFactory);
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public void execute(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      LOG.debug("Config engine closed; dropping a task");
    }
  }

  @Override
  public void schedule(String purpose, Runnable task, Duration delay) {
    try {
      executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("Config engine closed; dropping a {} task", purpose);
    }
  }

  @Override
  public synchronized void parallelism(int count) {
    int wanted = Math.max(1, Math.min(MAX_THREADS, count));
    if (wanted > executor.getCorePoolSize()) {
      executor.setCorePoolSize(wanted);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
        LOG.warn("Config engine threads did not stop within 2 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
