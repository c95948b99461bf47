package io.mse.client.spring.loadbalancer;

import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.springframework.http.client.ClientHttpResponse;

/**
 * One attempt of a {@link BlockingCallTimeouts} call: its exchange, run on a pool thread within the
 * caller's context, and the thread permit it holds while it runs. The response it got is kept so
 * that it can be closed when the attempt is discarded (cancelled at its timeout, superseded by a
 * retry, or answering after its cancellation); closing goes through {@code closer} (a pool thread),
 * never the caller's thread. Thread-safe.
 *
 * <p>The permit: while the caller waits for the attempt, the attempt holds it and gives it back to
 * the call ({@code handBack}) when its exchange ends, before the future completes, so that a retry
 * reuses it. An attempt abandoned while it runs (cancelled at its timeout) keeps it until its
 * exchange ends, then releases it: a hung exchange keeps its thread counted. An attempt cancelled
 * before it started releases it at once.
 */
final class TimedAttempt extends FutureTask<ClientHttpResponse> {

  private static final int NEW = 0;
  private static final int RUNNING = 1;
  private static final int ENDED = 2;
  private static final int ABANDONED = 3;

  /** The attempt running on the current pool thread, for {@link BlockingCallTimeouts#abortOnCancel}. */
  static final ThreadLocal<TimedAttempt> CURRENT = new ThreadLocal<>();

  private final AtomicReference<ClientHttpResponse> response;
  private final AtomicInteger state;
  private final AtomicReference<Runnable> abort = new AtomicReference<>();
  private final Consumer<ClientHttpResponse> closer;
  private volatile boolean abortable;

  /**
   * @param exchange the exchange, sent by {@link #run()}
   * @param permit the thread permit this attempt holds while it runs
   * @param handBack takes the permit back for the call when the exchange ends in time
   * @param closer closes a discarded response (off the caller's thread)
   * @param onResponse told of each response received (on the pool thread), with whether an abort
   *     hook was registered for the exchange
   */
  static TimedAttempt of(BlockingCallTimeouts.PreparedExchange exchange, BlockingCallTimeouts.Permit permit,
      Consumer<BlockingCallTimeouts.Permit> handBack, Consumer<ClientHttpResponse> closer,
      java.util.function.BiConsumer<ClientHttpResponse, Boolean> onResponse) {
    AtomicReference<ClientHttpResponse> response = new AtomicReference<>();
    AtomicInteger state = new AtomicInteger(NEW);
    TimedAttempt[] self = new TimedAttempt[1];
    Callable<ClientHttpResponse> send = () -> {
      if (!state.compareAndSet(NEW, RUNNING)) {
        return null;   // cancelled before it started: its permit is already released
      }
      CURRENT.set(self[0]);
      try {
        ClientHttpResponse received = exchange.execute();
        response.set(received);
        onResponse.accept(received, self[0].abortable);
        if (received.getStatusCode().is5xxServerError()) {
          throw new FailedResponse(received.getStatusCode().value());
        }
        return received;
      } finally {
        CURRENT.remove();
        self[0].abort.set(null);
        if (state.compareAndSet(RUNNING, ENDED)) {
          handBack.accept(permit);   // before the future completes: a retry reuses it
        } else {
          permit.release();   // abandoned while it ran
        }
      }
    };
    self[0] = new TimedAttempt(CallerContext.capturedAround(send), response, state, closer, permit);
    return self[0];
  }

  private final BlockingCallTimeouts.Permit permit;

  private TimedAttempt(Callable<ClientHttpResponse> task, AtomicReference<ClientHttpResponse> response,
      AtomicInteger state, Consumer<ClientHttpResponse> closer, BlockingCallTimeouts.Permit permit) {
    super(task);
    this.response = response;
    this.state = state;
    this.closer = closer;
    this.permit = permit;
  }

  /**
   * Registers {@code hook}, run when this attempt is cancelled while its exchange runs (at once if it
   * already was); returns the unregistration.
   */
  Runnable onCancel(Runnable hook) {
    abortable = true;
    abort.set(hook);
    if (isCancelled() && abort.compareAndSet(hook, null)) {
      hook.run();
    }
    return () -> abort.compareAndSet(hook, null);
  }

  @Override
  protected void set(ClientHttpResponse value) {
    super.set(value);
    if (isCancelled()) {
      discardUnless(null);   // answered after its cancellation
    }
  }

  @Override
  protected void setException(Throwable failure) {
    super.setException(failure);
    if (isCancelled()) {
      discardUnless(null);
    }
  }

  /**
   * Cancels the attempt: its thread is interrupted and a registered abort hook run (see
   * {@link BlockingCallTimeouts#abortOnCancel}); governance cancels only an attempt it discards, so
   * one that completed meanwhile has its response closed.
   */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    if (state.compareAndSet(NEW, ABANDONED)) {
      permit.release();   // it will not run
    } else {
      state.compareAndSet(RUNNING, ABANDONED);
    }
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    Runnable hook = abort.getAndSet(null);
    if (cancelled && hook != null) {
      hook.run();
    }
    if (!cancelled) {
      discardUnless(null);
    }
    return cancelled;
  }

  /** Returns the response this attempt got and still holds; null when none or already discarded. */
  ClientHttpResponse response() {
    return response.get();
  }

  /** Closes this attempt's response (through the closer), once, unless it is {@code answer}. */
  void discardUnless(ClientHttpResponse answer) {
    ClientHttpResponse received = response.get();
    if (received != null && received != answer && response.compareAndSet(received, null)) {
      closer.accept(received);
    }
  }
}
