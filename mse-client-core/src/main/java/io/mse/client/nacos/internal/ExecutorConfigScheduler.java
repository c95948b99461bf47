package io.mse.client.nacos.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ConfigScheduler} on a {@link ScheduledThreadPoolExecutor} of one daemon thread, started at
 * first use: long polls are asynchronous, so one thread serves every batch. Thread-safe.
 */
final class ExecutorConfigScheduler implements ConfigScheduler {

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorConfigScheduler.class);

  private final ScheduledThreadPoolExecutor executor;

  ExecutorConfigScheduler(ThreadFactory threadFactory) {
    this.executor = new ScheduledThreadPoolExecutor(1, threadFactory);
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public void execute(Runnable task) {
    try {
      executor.execute(logged(task));
    } catch (RejectedExecutionException e) {
      LOG.debug("Config engine closed; dropping a task");
    }
  }

  @Override
  public Future<?> schedule(String purpose, Runnable task, Duration delay) {
    try {
      return executor.schedule(logged(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("Config engine closed; dropping a {} task", purpose);
      return CompletableFuture.completedFuture(null);
    }
  }

  /**
   * Logs what {@code task} throws: the executor would keep it in a future nobody reads. The tasks
   * handle their own failures; what reaches here is a bug or an Error.
   */
  private static Runnable logged(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (Throwable t) {
        LOG.error("A config engine task failed", t);
      }
    };
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
