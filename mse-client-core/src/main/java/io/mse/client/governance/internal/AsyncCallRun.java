package io.mse.client.governance.internal;

import io.mse.client.Ticker;
import io.mse.client.governance.AsyncGovernedCall;
import io.mse.client.governance.CallTimeoutException;
import io.mse.client.governance.GovernedRequest;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One asynchronous governed call ({@link DefaultGovernance#callAsync}) and the future it completes:
 * the retry loop of {@link DefaultGovernance#call}, each attempt started when the previous one ended:
 * its stage completed, or its timeout fired. The governance's timer thread only fires a timeout: it
 * hands the attempt's end (the timeout recorded, the stage cancelled, the future completed or the next
 * attempt started) to {@link #defaultExecutor()}, so that no callback chained on this future, nor the
 * next attempt's call, runs on (and can block) the one timer thread every timeout of the governance
 * needs. Nothing here waits: a full bulkhead refuses at once.
 *
 * <p>What an attempt holds (its decision's permits, the stage under way, its timeout) is guarded by
 * this object's monitor, so that the stage's completion, its timeout and a cancellation, on any
 * threads, report the decision exactly once; each is tied to its attempt's number, so that a stage
 * completing after its attempt timed out touches nothing of the next attempt. No decision is made,
 * no user code run and no future completed under the monitor (only permits given back). Thread-safe.
 */
final class AsyncCallRun<T> extends CompletableFuture<T> {

  private final DefaultGovernance governance;
  private final Ticker ticker;
  private final GovernedRequest request;
  private final AsyncGovernedCall<T> call;
  private final DecisionImpl decision;
  // Written by one attempt's end and read by the next one's, which may run on other threads:
  // volatile, as nothing else orders them for every kind of stage.
  private volatile ResourcePolicy policy;
  /** The number of the attempt under way (or last made); written under the monitor. */
  private volatile int attempt;
  /** The failure of the last failed attempt; null before one failed. */
  private volatile Exception last;
  /** Whether attempt {@link #attempt}'s decision is filled and not yet reported; guarded by this. */
  private boolean attemptOpen;
  /** The stage of the attempt under way; null when none; guarded by this. */
  private CompletionStage<T> inFlight;
  /** The timeout of the attempt under way; null when none; guarded by this. */
  private ScheduledFuture<?> timer;

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

  /** Decides and starts the next attempt, avoiding {@code previous} when it can. */
  private void next(long now, Endpoint previous) {
    if (isDone()) {
      return; // cancelled between two attempts
    }
    int n = attempt + 1; // attempts follow one another: never two threads at once
    try {
      governance.attempt(request, policy, decision, previous, now, false);   // never waits for a place
    } catch (RuntimeException refused) {
      if (last != null) {
        last.addSuppressed(refused);
      }
      completeExceptionally(last != null ? last : refused);
      return;
    }
    boolean started;
    synchronized (this) {
      attempt = n;
      started = !isDone();
      if (started) {
        attemptOpen = true;
      } else {
        decision.release();   // cancelled while the attempt was decided
      }
    }
    if (!started) {
      return;
    }
    if (n > 1) {
      policy.counters.retries.increment();   // a retry is counted once it is under way
    }
    CompletionStage<T> stage;
    try {
      stage = call.call(decision.endpoint.instance);
      if (stage == null) {
        throw new NullPointerException("the AsyncGovernedCall returned a null stage");
      }
    } catch (Exception | Error e) {
      onAttemptDone(n, null, e);
      return;
    }
    boolean open;
    synchronized (this) {
      open = attemptOpen && attempt == n;
      if (open) {
        inFlight = stage;
      }
    }
    if (open) {
      scheduleTimeout(n, stage);
    }
    if (isCancelled()) {
      cancelStage(stage);
    }
    stage.whenComplete((result, error) -> onAttemptDone(n, result, error));
  }

  /**
   * Arms the timeout of attempt {@code n}, if its rule has one, at what is left of it by the ticker
   * (the timer waits in real time).
   */
  private void scheduleTimeout(int n, CompletionStage<T> stage) {
    long timeoutNanos = decision.timeoutNanos();
    if (timeoutNanos <= 0) {
      return;
    }
    long delay = Math.max(0, timeoutNanos - decision.elapsedNanos());
    ScheduledFuture<?> scheduled;
    try {
      scheduled = governance.timeoutTimer().schedule(() -> fire(n, stage), delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException | IllegalStateException closed) {
      return;   // the governance is closed: the attempt is no longer timed
    }
    synchronized (this) {
      if (attemptOpen && attempt == n) {
        timer = scheduled;
        return;
      }
    }
    scheduled.cancel(false);   // the attempt ended meanwhile
  }

  /**
   * Runs on the timer thread when attempt {@code n}'s timeout fires: hands {@link #onTimeout} to
   * {@link #defaultExecutor()} (run here only when that executor refuses it), as it may complete this
   * future, whose callbacks then run on the thread completing it, or start the next attempt.
   */
  private void fire(int n, CompletionStage<T> stage) {
    try {
      defaultExecutor().execute(() -> onTimeout(n, stage));
    } catch (RejectedExecutionException refused) {
      onTimeout(n, stage);
    }
  }

  /** Attempt {@code n} outlived its timeout: recorded as timed out, its stage cancelled, maybe retried. */
  private void onTimeout(int n, CompletionStage<T> stage) {
    CallTimeoutException timeout;
    synchronized (this) {
      if (!attemptOpen || attempt != n) {
        return; // ended in time, or cancelled
      }
      attemptOpen = false;
      inFlight = null;
      timer = null;
      timeout = decision.timedOut();
    }
    cancelStage(stage);   // its late completion finds the attempt closed
    failed(timeout);
  }

  /** Reports attempt {@code n}'s outcome, then completes the future or starts the next attempt. */
  private void onAttemptDone(int n, T result, Throwable error) {
    Throwable failure;
    ScheduledFuture<?> armed;
    synchronized (this) {
      if (!attemptOpen || attempt != n) {
        return; // timed out or cancelled: the decision was reported or released
      }
      attemptOpen = false;
      inFlight = null;
      armed = timer;
      timer = null;
      failure = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      if (failure == null) {
        failure = decision.onSuccess();
      } else if (failure instanceof CancellationException) {
        decision.release(); // cancelled by its owner, not failed by the instance: no outcome, not retried
      } else if (failure instanceof Exception) {
        decision.onError(failure);
      } else {
        decision.release(); // an Error: not the instance's fault, and not retried
      }
    }
    if (armed != null) {
      armed.cancel(false);
    }
    if (failure == null) {
      complete(result);
      return;
    }
    if (!(failure instanceof Exception) || failure instanceof CancellationException) {
      completeExceptionally(failure);
      return;
    }
    failed((Exception) failure);
  }

  /** The attempt under way failed with {@code failure} (reported): retried when the rules allow, else the end. */
  private void failed(Exception failure) {
    last = failure;
    if (isDone() || !Retrying.mayRetry(ticker, request, policy, failure, attempt, Retrying.maxAttempts(policy))) {
      completeExceptionally(failure);
      return;
    }
    next(ticker.read(), decision.endpoint);
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    if (cancelled) {
      CompletionStage<T> stage;
      ScheduledFuture<?> armed;
      synchronized (this) {
        if (attemptOpen) {
          attemptOpen = false;
          decision.release();
        }
        stage = inFlight;
        inFlight = null;
        armed = timer;
        timer = null;
      }
      if (armed != null) {
        armed.cancel(false);
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
