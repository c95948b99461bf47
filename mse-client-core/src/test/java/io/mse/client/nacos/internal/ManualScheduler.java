package io.mse.client.nacos.internal;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/**
 * A {@link ConfigScheduler} for tests: immediate tasks run at once on a thread pool, delayed ones
 * wait in a list until the test releases them, so back-offs are asserted without waiting them out.
 */
final class ManualScheduler implements ConfigScheduler {

  record Delayed(String purpose, Runnable task, Duration delay) {}

  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "manual-scheduler");
    thread.setDaemon(true);
    return thread;
  });
  private final List<Delayed> delayed = new ArrayList<>();

  @Override
  public void execute(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException closed) {
      // dropped after close, like the real one
    }
  }

  /** Keeps the task until the test releases it; cancelling the returned future takes it off the list. */
  @Override
  public synchronized Future<?> schedule(String purpose, Runnable task, Duration delay) {
    Delayed entry = new Delayed(purpose, task, delay);
    delayed.add(entry);
    CompletableFuture<Void> handle = new CompletableFuture<>();
    handle.whenComplete((r, cancelled) -> {
      synchronized (this) {
        delayed.remove(entry);
      }
    });
    return handle;
  }

  synchronized List<Delayed> pending(String purpose) {
    return delayed.stream().filter(d -> d.purpose().equals(purpose)).toList();
  }

  /** Waits until a task of {@code purpose} is pending, takes it off the list and returns it. */
  Delayed awaitDelayed(String purpose) {
    await().until(() -> !pending(purpose).isEmpty());
    synchronized (this) {
      Delayed first = pending(purpose).get(0);
      delayed.remove(first);
      return first;
    }
  }

  /** Runs a released task on the pool, as if its delay had passed. */
  void run(Delayed task) {
    execute(task.task());
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
