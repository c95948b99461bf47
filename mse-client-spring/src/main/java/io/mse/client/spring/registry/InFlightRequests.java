package io.mse.client.spring.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the requests the web server is handling now, so that a stopping application can wait until
 * they end ({@link #whenIdle()}). Fed by {@link InFlightRequestFilter} (servlet) or
 * {@link InFlightRequestWebFilter} (reactive). Thread-safe; {@link #begin()} and {@link #end()} are
 * one atomic add each, and take a lock only when the count falls to zero while someone waits.
 */
public final class InFlightRequests {

  private final AtomicInteger count = new AtomicInteger();
  /** Guarded by this. */
  private final List<CompletableFuture<Void>> waiters = new ArrayList<>();

  /** A request started. */
  public void begin() {
    count.incrementAndGet();
  }

  /** A request ended (call exactly once per {@link #begin()}). */
  public void end() {
    if (count.decrementAndGet() == 0) {
      signalIfIdle();
    }
  }

  /** Returns the number of requests being handled now. */
  public int current() {
    return count.get();
  }

  /**
   * Returns a future completed as soon as no request is being handled (at once when none is now).
   * Requests that start afterwards do not undo it.
   */
  public CompletableFuture<Void> whenIdle() {
    synchronized (this) {
      if (count.get() == 0) {
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> waiter = new CompletableFuture<>();
      waiters.add(waiter);
      return waiter;
    }
  }

  private void signalIfIdle() {
    List<CompletableFuture<Void>> done;
    synchronized (this) {
      // checked again under the lock: a request may have started since the count fell to zero
      if (waiters.isEmpty() || count.get() != 0) {
        return;
      }
      done = new ArrayList<>(waiters);
      waiters.clear();
    }
    done.forEach(w -> w.complete(null));
  }
}
