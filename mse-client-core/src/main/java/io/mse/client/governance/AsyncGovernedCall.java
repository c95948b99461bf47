package io.mse.client.governance;

import io.mse.client.naming.Instance;
import java.util.concurrent.CompletionStage;

/**
 * The asynchronous call made to the instance governance chose, for {@link Governance#callAsync}. It
 * may be invoked several times (once per attempt, on different instances), each time after the
 * previous attempt's stage completed or timed out. It must not block: it runs on the caller's
 * thread, on the thread that completed the previous stage, or, after a timeout, on
 * {@link java.util.concurrent.CompletableFuture#defaultExecutor() CompletableFuture's default
 * asynchronous executor} (see {@link Governance#callAsync}). A stage completed exceptionally, or an exception thrown by
 * {@link #call}, is a failure (for the breaker, outlier detection and retries).
 *
 * @param <T> the call's result
 */
@FunctionalInterface
public interface AsyncGovernedCall<T> {

  /**
   * Starts a call to {@code instance}.
   *
   * @param instance the chosen instance; not null
   * @return the call's stage, not null; its result is passed back through the future of
   *     {@link Governance#callAsync}. If it is a {@link java.util.concurrent.CompletableFuture} (or
   *     {@link CompletionStage#toCompletableFuture()} gives one), cancelling the governed future
   *     cancels it, and so does the attempt's timeout (fired by governance's timer thread and
   *     handled on CompletableFuture's default asynchronous executor, which then starts the next
   *     attempt, if any). A stage that ignores the cancellation runs on without its
   *     bulkhead place; its outcome is discarded
   * @throws Exception to report a failure without starting anything
   */
  CompletionStage<T> call(Instance instance) throws Exception;
}
