package io.mse.client.internal;

import io.mse.client.ServerUnavailableException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for the first read of a key that another thread is making. */
public final class FirstRead {

  private FirstRead() {}

  /**
   * Waits until {@code started} completes.
   *
   * @param resource the key being read, for messages
   * @throws ServerUnavailableException when it does not complete within {@code timeout}, or the
   *     wait is interrupted
   * @throws RuntimeException the failure the other thread's read ended with
   */
  public static void await(CompletableFuture<?> started, Duration timeout, Object resource) {
    try {
      started.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
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
