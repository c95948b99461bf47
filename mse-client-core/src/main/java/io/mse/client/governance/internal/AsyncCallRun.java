package io.mse.client.governance.internal;

import io.mse.client.Ticker;
import io.mse.client.governance.AsyncGovernedCall;
import io.mse.client.governance.CallTimeoutException;
import io.mse.client.governance.GovernedRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * One asynchronous governed call ({@link DefaultGovernance#callAsync}) and the future it completes:
 * the retry loop of {@link DefaultGovernance#call}, each attempt started when the previous one's
 * stage completed. What an attempt holds (its decision's permits, the stage under way) is guarded
 * by this object's monitor, so that the stage's completion and a cancellation, on any threads,
 * report the decision exactly once; the future is completed outside the monitor, so that dependent
 * stages never run under it. Thread-safe.
 */
final class AsyncCallRun<T> extends CompletableFuture<T> {

  private final DefaultGovernance governance;
  private final Ticker ticker;
  private final GovernedRequest request;
  private final AsyncGovernedCall<T> call;
  private final DecisionImpl decision;
  private ResourcePolicy policy;
  private int attempt;
  /** The failure of the last failed attempt; null before one failed. */
  private Exception last;
  /** Whether an attempt's decision is filled and not yet reported; guarded by this. */
  private boolean attemptOpen;
  /** The stage of the attempt under way; null when none; guarded by this. */
  private CompletionStage<T> inFlight;

  AsyncCallRun(DefaultGovernance governance, Ticker ticker, GovernedRequest request, AsyncGovernedCall<T> call) {
    this.governance = governance;
    this.ticker = ticker;
    this.request = request;
    this.call = call;
    this.decision = new DecisionImpl(governance, ticker);
  }

  /** Takes the call's rate-limit permit and starts the first attempt. */
  void start() {
    try {
      policy = governance.admit(request, decision);
    } catch (RuntimeException rejection) {
      completeExceptionally(rejection);
      return;
    }
    if (policy.budget != null) {
      policy.budget.recordCall(decision.startNanos);
    }
    next(decision.startNanos, null);
  }

  /** Decides and starts attempt number {@code attempt + 1}, avoiding {@code previous} when it can. */
  private void next(long now, Endpoint previous) {
    attempt++;
    RuntimeException refused = null;
    synchronized (this) {
      if (isDone()) {
        return; // cancelled between two attempts
      }
      try {
        governance.attempt(request, policy, decision, previous, now);
        attemptOpen = true;
      } catch (RuntimeException rejection) {
        refused = rejection;
      }
    }
    if (refused != null) {
      if (last != null) {
        last.addSuppressed(refused);
      }
      completeExceptionally(last != null ? last : refused);
      return;
    }
    CompletionStage<T> stage;
    try {
      stage = call.call(decision.endpoint.instance);
      if (stage == null) {
        throw new NullPointerException("the AsyncGovernedCall returned a null stage");
      }
    } catch (Exception | Error e) {
      onAttemptDone(null, e);
      return;
    }
    synchronized (this) {
      if (attemptOpen) {
        inFlight = stage;
      }
    }
    if (isCancelled()) {
      cancelStage(stage);
    }
    stage.whenComplete(this::onAttemptDone);
  }

  /** Reports the attempt's outcome, then completes the future or starts the next attempt. */
  private void onAttemptDone(T result, Throwable error) {
    Throwable failure;
    synchronized (this) {
      if (!attemptOpen) {
        return; // cancelled: the decision was released
      }
      attemptOpen = false;
      inFlight = null;
      failure = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      if (failure == null) {
        failure = decision.onSuccess();
      } else if (failure instanceof Exception) {
        decision.onError(failure);
      } else {
        decision.release(); // an Error: not the instance's fault, and not retried
      }
    }
    if (failure == null) {
      complete(result);
      return;
    }
    if (!(failure instanceof Exception)) {
      completeExceptionally(failure);
      return;
    }
    last = (Exception) failure;
    if (isDone() || !governance.mayRetry(request, policy, attempt, last)) {
      completeExceptionally(last);
      return;
    }
    next(ticker.read(), decision.endpoint);
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    if (cancelled) {
      CompletionStage<T> stage;
      synchronized (this) {
        if (attemptOpen) {
          attemptOpen = false;
          decision.release();
        }
        stage = inFlight;
        inFlight = null;
      }
      if (stage != null) {
        cancelStage(stage);
      }
    }
    return cancelled;
  }

  private static void cancelStage(CompletionStage<?> stage) {
    CompletableFuture<?> future;
    try {
      future = stage.toCompletableFuture();
    } catch (UnsupportedOperationException notConvertible) {
      return;
    }
    future.cancel(true);
  }
}
