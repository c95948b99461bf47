package io.mse.client.internal;

import io.mse.client.ServerUnavailableException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Released when a cache entry's first value is known (the first read of a key made by one thread),
 * so that other threads asking for the key meanwhile wait for that read instead of making their own.
 * Thread-safe.
 */
public final class FirstValueLatch {

  private final CompletableFuture<Void> known = new CompletableFuture<>();

  /** Releases the waiters; later calls have no effect. */
  public void release() {
    known.complete(null);
  }

  /** Fails the waiters with {@code failure}, the first read's; has no effect once released. */
  public void fail(RuntimeException failure) {
    known.completeExceptionally(failure);
  }

  /** Returns true once released (not failed). */
  public boolean released() {
    return known.isDone() && !known.isCompletedExceptionally();
  }

  /**
   * Waits until released.
   *
   * @param resource the key being read, for messages
   * @throws ServerUnavailableException when it is not released within {@code timeout}, or the wait
   *     is interrupted
   * @throws RuntimeException the failure the first read ended with
   */
  public void await(Duration timeout, Object resource) {
    try {
      known.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new ServerUnavailableException(resource.toString(),
          "Timed out after " + timeout.toMillis() + " ms waiting for the first read of '" + resource + "'");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServerUnavailableException(resource.toString(), "Interrupted waiting for '" + resource + "'", e);
    }
  }
}
