package io.mse.client.governance.internal;

import io.mse.client.governance.CallTimeoutException;
import io.mse.client.governance.CancellableCall;
import io.mse.client.governance.GovernedCall;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Makes the call of one attempt of {@link DefaultGovernance}'s retry loop and reports its outcome on
 * the attempt's decision: the result when it succeeded in time, else the failure thrown (already
 * reported). Two kinds: a {@link GovernedCall} run on the caller's thread and timed afterwards, and a
 * {@link CancellableCall} whose future is awaited up to the timeout and cancelled past it.
 */
@FunctionalInterface
interface AttemptRunner<T> {

  /**
   * Calls the decision's instance and reports the outcome on {@code decision}.
   *
   * @return the result of a successful, timely call
   * @throws Interrupted when the caller's wait was interrupted (the decision released, no retry)
   * @throws CancellationException when the call's own future was cancelled by someone else (the
   *     decision released, no outcome recorded: not the instance's failure; no retry)
   * @throws Exception the attempt's failure (reported), a {@link CallTimeoutException} when late
   */
  T run(DecisionImpl decision) throws Exception;

  /**
   * Returns whether the caller is to learn of an interrupt as an {@link InterruptedException} (a
   * bulkhead wait cut short included), rather than as the refusal the interrupt caused.
   */
  default boolean interruptible() {
    return false;
  }

  /** The caller's thread was interrupted while it waited for the attempt: not retried. */
  final class Interrupted extends Exception {
    private static final long serialVersionUID = 1L;

    Interrupted(InterruptedException cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  /** Runs {@code call} on the caller's thread; a late success is a timeout (the call is not interrupted). */
  static <T> AttemptRunner<T> blocking(GovernedCall<T> call) {
    return decision -> {
      T result = reported(decision, () -> call.call(decision.endpoint.instance));
      CallTimeoutException timeout = decision.onSuccess();
      if (timeout != null) {
        throw timeout;
      }
      return result;
    };
  }

  /**
   * Runs {@code step} of the attempt; an exception it throws is reported as the attempt's failure and
   * thrown on, an Error gives the decision's permits back and is thrown on.
   */
  private static <R> R reported(DecisionImpl decision, Callable<R> step) throws Exception {
    try {
      return step.call();
    } catch (Exception e) {
      decision.onError(e);
      throw e;
    } catch (Error e) {
      decision.release();
      throw e;
    }
  }

  /**
   * Starts {@code call}'s future and waits for it, up to what is left of the attempt's timeout (in
   * real time: {@link Future#get(long, TimeUnit)}); past it the future is cancelled with
   * {@code cancel(true)} and the attempt recorded as timed out.
   */
  static <T> AttemptRunner<T> cancellable(CancellableCall<T> call) {
    return new AttemptRunner<>() {
      @Override
      public T run(DecisionImpl decision) throws Exception {
        return awaitCancellable(call, decision);
      }

      @Override
      public boolean interruptible() {
        return true;
      }
    };
  }

  private static <T> T awaitCancellable(CancellableCall<T> call, DecisionImpl decision) throws Exception {
    Future<T> future = reported(decision, () -> call.start(decision.endpoint.instance));
    if (future == null) {
      NullPointerException e = new NullPointerException("the CancellableCall of '" + decision.resource()
          + "' returned no future");
      decision.onError(e);
      throw e;
    }
    T result;
    try {
      long timeout = decision.timeoutNanos();
      result = timeout > 0 ? future.get(Math.max(0, timeout - decision.elapsedNanos()), TimeUnit.NANOSECONDS)
          : future.get();
    } catch (TimeoutException e) {
      future.cancel(true);
      throw decision.timedOut();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      decision.onError(cause);
      throw cause instanceof Exception failure ? failure : e;
    } catch (CancellationException e) {
      decision.release();   // cancelled by its owner, not failed by the instance: no outcome, no retry
      throw e;
    } catch (InterruptedException e) {
      future.cancel(true);
      decision.release();
      Thread.currentThread().interrupt();
      throw new Interrupted(e);
    }
    CallTimeoutException late = decision.onSuccess();   // in time in real time, late by the ticker
    if (late != null) {
      throw late;
    }
    return result;
  }
}
