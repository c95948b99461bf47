package io.mse.client.nacos.internal;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production {@link NamingScheduler}: one daemon thread, started with the first task (a client
 * that never registers nor subscribes starts none). A task that throws is logged and does not stop
 * the thread. Thread-safe.
 */
final class ExecutorNamingScheduler implements NamingScheduler {

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorNamingScheduler.class);

  private final ScheduledThreadPoolExecutor executor;

  ExecutorNamingScheduler(ThreadFactory threadFactory) {
    this.executor = new ScheduledThreadPoolExecutor(1, threadFactory);
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public Cancellable schedule(Runnable task, Duration delay) {
    Runnable guarded = () -> {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        LOG.warn("A naming task failed; it is dropped, the others still run", e);
      }
    };
    try {
      ScheduledFuture<?> future = executor.schedule(guarded, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
      return () -> future.cancel(false);
    } catch (RejectedExecutionException closed) {
      LOG.debug("Naming scheduler closed, dropping a task");
      return Cancellable.NONE;
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
        LOG.warn("The naming thread did not stop within 2 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
