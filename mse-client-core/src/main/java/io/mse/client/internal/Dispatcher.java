package io.mse.client.internal;

import java.util.concurrent.Executor;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's notification thread: runs listener calls and snapshot writes in submission order, off
 * the engines' I/O threads. A listener may name its own executor; it is then handed the call in
 * order. It also runs the cache layer's periodic checks (the failover directory), which do no network
 * I/O. Thread-safe. {@link #close()} stops the thread after the queued work and cancels the checks.
 */
public final class Dispatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  private final ScheduledThreadPoolExecutor executor;

  /** The notification thread, once started. */
  private volatile Thread thread;

  public Dispatcher(ThreadFactory threadFactory) {
    this.executor = new ScheduledThreadPoolExecutor(1, task -> {
      Thread made = threadFactory.newThread(task);
      thread = made;
      return made;
    });
    executor.setRemoveOnCancelPolicy(true);
  }

  /**
   * Runs {@code task} every {@code interval}, first after one interval, until {@link #close()}; a
   * task that throws is logged and still runs at the next interval.
   *
   * @param what a description for the log
   */
  public void every(String what, Duration interval, Runnable task) {
    Runnable guarded = () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.warn("The {} failed: {}", what, e.toString());
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Error e) {
        // an Error would cancel the periodic task for good (ScheduledExecutorService): log it, keep going
        LOG.error("The {} failed", what, e);
      }
    };
    try {
      executor.scheduleWithFixedDelay(guarded, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      LOG.debug("Client closed, not starting the {}", what);
    }
  }

  /** Queues {@code task}; after {@link #close()} the task is dropped. */
  public void execute(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException closed) {
      LOG.debug("Client closed, dropping a notification");
    }
  }

  /**
   * Calls a listener, on {@code listenerExecutor} when it is not null, else on the calling thread; a
   * failure is logged and swallowed, so the next listener still runs.
   *
   * @param what a description for the log, e.g. {@code "config listener of 'public/DEFAULT_GROUP/a'"}
   */
  public static void deliver(String what, Executor listenerExecutor, Runnable call) {
    Runnable guarded = () -> {
      try {
        call.run();
      } catch (RuntimeException | Error e) {
        LOG.warn("A {} threw; the other listeners still run", what, e);
      }
    };
    if (listenerExecutor == null) {
      guarded.run();
      return;
    }
    try {
      listenerExecutor.execute(guarded);
    } catch (RejectedExecutionException e) {
      LOG.warn("The executor of a {} rejected the call", what, e);
    }
  }

  /** Returns true when called on this dispatcher's thread (for assertions in tests). */
  public static boolean onNotificationThread() {
    return Thread.currentThread().getName().contains("-notify-");
  }

  /**
   * Stops the thread after the queued work, waiting up to 2 s; what is still queued then is dropped
   * (and counted in a warning). Called from a listener, it does not wait for itself.
   */
  @Override
  public void close() {
    executor.shutdown();
    if (Thread.currentThread() == thread) {
      return;
    }
    try {
      if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
        int dropped = executor.shutdownNow().size();
        LOG.warn("A listener still ran 2 s after close; {} queued notification(s) dropped", dropped);
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
