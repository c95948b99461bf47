package io.mse.client.governance;

import io.mse.client.naming.Instance;
import java.util.concurrent.Future;

/**
 * A call that governance can cancel when its attempt times out, for
 * {@link Governance#callCancellable}: it starts the call to the chosen instance and returns its
 * {@link Future} at once. Governance waits for the future up to the attempt's timeout and, past it,
 * cancels it with {@link Future#cancel(boolean) cancel(true)}.
 *
 * <p>What the cancellation stops depends on the future:
 * <ul>
 *   <li>a task submitted to an {@link java.util.concurrent.ExecutorService} (a {@code FutureTask}):
 *       the thread running it is interrupted, which ends interruptible blocking (sleeps, waits,
 *       {@code InterruptibleChannel} I/O, a JDK {@code HttpClient.send});
 *   <li>the future the JDK {@code HttpClient.sendAsync} returns: the exchange is aborted and its
 *       connection closed (return that future itself: one derived from it with {@code thenApply} is
 *       not linked back, and cancelling it leaves the exchange running);
 *   <li>a future whose work ignores cancellation (a {@code CompletableFuture.supplyAsync} supplier, code
 *       that swallows interrupts, blocking socket I/O of {@code java.net.Socket}): the work runs on in
 *       the background until it ends by itself. Its result is discarded, and it no longer counts
 *       against the resource's bulkhead (its place was given back at the timeout).
 * </ul>
 * Invoked once per attempt (on different instances across retries), on the caller's thread.
 *
 * @param <T> the call's result
 */
@FunctionalInterface
public interface CancellableCall<T> {

  /**
   * Starts the call to {@code instance} without waiting for it.
   *
   * @param instance the chosen instance; not null
   * @return the call's future; not null. A future that completes exceptionally reports a failure
   *     (its cause, for the breaker, outlier detection and retries)
   * @throws Exception when the call cannot be started; a failure like any other
   */
  Future<T> start(Instance instance) throws Exception;
}
