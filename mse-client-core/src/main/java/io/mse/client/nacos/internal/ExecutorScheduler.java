package io.mse.client.nacos.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production {@link ConfigScheduler} and {@link NamingScheduler}: a
 * {@link ScheduledThreadPoolExecutor} of one daemon thread from the given factory (which names it),
 * started with the first task, so that an engine half that is never used starts none. Long polls are
 * asynchronous, so one thread serves every batch of the config engine; one serves every beat and
 * poll of the naming engine. A task that throws is logged and does not stop the thread; tasks given
 * after {@link #close()} are dropped. Thread-safe.
 */
final class ExecutorScheduler implements ConfigScheduler, NamingScheduler {

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorScheduler.class);

  private final String name;
  private final ScheduledThreadPoolExecutor executor;
  /** The threads the executor made (one, or again one after a task killed it), joined by close(). */
  private final java.util.Queue<Thread> threads = new java.util.concurrent.ConcurrentLinkedQueue<>();

  /**
   * @param name what the scheduler serves, for logs ({@code "config"}, {@code "naming"})
   * @param threadFactory makes the one thread
   */
  ExecutorScheduler(String name, ThreadFactory threadFactory) {
    this.name = name;
    this.executor = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = threadFactory.newThread(runnable);
      threads.add(thread);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public void execute(Runnable task) {
    try {
      executor.execute(logged(task));
    } catch (RejectedExecutionException e) {
      LOG.debug("The {} scheduler is closed; dropping a task", name);
    }
  }

  @Override
  public Future<?> schedule(String purpose, Runnable task, Duration delay) {
    ScheduledFuture<?> future = schedule(purpose, logged(task), delay.toNanos());
    return future == null ? CompletableFuture.completedFuture(null) : future;
  }

  @Override
  public Cancellable schedule(Runnable task, Duration delay) {
    ScheduledFuture<?> future = schedule("delayed", logged(task), delay.toNanos());
    return future == null ? Cancellable.NONE : () -> future.cancel(false);
  }

  /** Schedules a task; null when this scheduler is closed. */
  private ScheduledFuture<?> schedule(String purpose, Runnable task, long delayNanos) {
    try {
      return executor.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("The {} scheduler is closed; dropping a {} task", name, purpose);
      return null;
    }
  }

  /**
   * Logs what {@code task} throws: the executor would keep it in a future nobody reads. The tasks
   * handle their own failures; what reaches here is a bug or an Error.
   */
  private Runnable logged(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (Throwable t) {
        LOG.error("A {} task failed; it is dropped, the others still run", name, t);
      }
    };
  }

  @Override
  public void close() {
    executor.shutdownNow();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    try {
      // the executor counts as terminated a moment before its last thread has ended: join them too
      for (Thread thread : threads) {
        if (thread != Thread.currentThread()) {
          thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
      }
      if (!executor.isTerminated() || threads.stream().anyMatch(t -> t != Thread.currentThread() && t.isAlive())) {
        LOG.warn("The {} thread did not stop within 2 s", name);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
