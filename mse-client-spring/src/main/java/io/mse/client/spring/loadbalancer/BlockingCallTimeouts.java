package io.mse.client.spring.loadbalancer;

import io.mse.client.governance.CallTimeoutException;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernedCall;
import io.mse.client.governance.GovernedRequest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Ends a blocking load-balanced call's wait at its timeout rule: each attempt of a call under a
 * timeout rule is sent on one of this object's threads while the caller waits for it, through
 * {@link Governance#callCancellable}, up to the rule's timeout; past it the attempt is cancelled
 * ({@code Future.cancel(true)}: its thread is interrupted, which aborts the exchange where the
 * request factory reacts to interrupts), recorded as a {@link CallTimeoutException} (breaker,
 * outlier detection) and retried on another instance as the retry rule and budget allow. Used by
 * {@link MseLoadBalancerInterceptor} for calls whose {@link Governance#timeoutOf} is not null; calls
 * without a timeout rule never come here and stay on the caller's thread.
 *
 * <p>What the timeout covers: from the attempt's start until its response's status and headers have
 * arrived (the request factory's {@code execute} returns), as for {@code WebClient}. The caller reads
 * the body afterwards, bounded by the request factory's read timeout only.
 *
 * <p>What the cancellation stops depends on the request factory (Spring Framework 7.0):
 * <ul>
 *   <li>{@code JdkClientHttpRequestFactory}: the interrupted wait cancels the {@code HttpClient.sendAsync}
 *       exchange; its connection is closed;
 *   <li>{@code ReactorClientHttpRequestFactory}: the interrupted {@code block()} disposes the
 *       exchange; its connection is closed;
 *   <li>{@code SimpleClientHttpRequestFactory} ({@code HttpURLConnection}),
 *       {@code HttpComponentsClientHttpRequestFactory} (classic, blocking socket I/O) and
 *       {@code JettyClientHttpRequestFactory} (which stops waiting on interrupt but does not abort
 *       the Jetty request): the exchange runs on in the background, on its thread of this pool,
 *       until it ends by itself (the factory's read timeout at most); a response that arrives then
 *       is closed and discarded.
 * </ul>
 *
 * <p>Threads: daemon, named {@value #THREAD_NAME_PREFIX}{@code <n>}, at most {@code maxThreads},
 * created on demand and ended after 60 s idle; no queue. When all are busy (or after
 * {@link #close()}) an attempt runs on the caller's thread as a call without this object would:
 * timed, a late answer counted as a timeout, but the wait not cut short (one WARN per episode).
 * Thread-safe; {@link #close()} interrupts the attempts under way and ends the threads.
 */
public final class BlockingCallTimeouts implements AutoCloseable {

  /** The name prefix of this object's threads: {@value}. */
  public static final String THREAD_NAME_PREFIX = "mse-lb-timeout-";

  private static final Logger LOG = LoggerFactory.getLogger(BlockingCallTimeouts.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final ThreadPoolExecutor pool;
  private final AtomicBoolean saturated = new AtomicBoolean();

  /**
   * @param maxThreads the most attempts sent at the same time (each on a thread of its own); 1 to
   *     10000
   * @throws IllegalArgumentException when {@code maxThreads} is out of range
   */
  public BlockingCallTimeouts(int maxThreads) {
    if (maxThreads < 1 || maxThreads > 10_000) {
      throw new IllegalArgumentException("maxThreads " + maxThreads + " is invalid: it must be 1 to 10000");
    }
    this.pool = new ThreadPoolExecutor(0, maxThreads, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
      Thread thread = new Thread(task, THREAD_NAME_PREFIX + THREADS.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /** One attempt's exchange, prepared on the caller's thread and sent on a thread of this object. */
  @FunctionalInterface
  interface PreparedExchange {
    /** Sends the attempt and returns its response once its status and headers have arrived. */
    ClientHttpResponse execute() throws IOException;
  }

  /**
   * Runs the call under governance, each attempt prepared by {@code prepare} on the caller's thread
   * and sent on a thread of this object; a response of status 5xx is a failure (recorded, retried),
   * and when every attempt failed the last failed response is the answer. Responses of attempts
   * that were superseded, timed out or answered after their cancellation are closed.
   *
   * @return the successful attempt's response, or the last failed response
   * @throws CallTimeoutException when the last attempt timed out
   * @throws InterruptedIOException when the caller's thread was interrupted while it waited (the
   *     attempt is cancelled, nothing recorded; the thread's interrupt flag stays set)
   * @throws IOException the last attempt's {@link IOException}, or another checked exception wrapped
   * @throws io.mse.client.MseException subtypes: the refusals of governance, unwrapped
   */
  ClientHttpResponse call(Governance governance, GovernedRequest request, GovernedCall<PreparedExchange> prepare)
      throws IOException {
    List<Attempt> attempts = new ArrayList<>(2);
    ClientHttpResponse answer = null;
    try {
      answer = governance.callCancellable(request, instance -> {
        Attempt attempt = new Attempt(prepare.call(instance));
        attempts.add(attempt);
        start(attempt);
        return attempt;
      });
      return answer;
    } catch (FailedResponse failed) {
      // only the last attempt's failure is thrown: its response is the answer
      answer = attempts.get(attempts.size() - 1).response.get();
      return answer;
    } catch (InterruptedException e) {
      InterruptedIOException interrupted = new InterruptedIOException("interrupted while waiting for '"
          + request.resource() + "'");
      interrupted.initCause(e);
      throw interrupted;
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IOException(e);
    } catch (Exception e) {
      throw new IOException(e);
    } finally {
      for (Attempt attempt : attempts) {
        attempt.discardUnless(answer);
      }
    }
  }

  private void start(Attempt attempt) {
    try {
      pool.execute(attempt);
      if (saturated.compareAndSet(true, false)) {
        LOG.info("Load-balanced calls under a timeout rule are cut off at their timeout again");
      }
    } catch (RejectedExecutionException e) {
      if (!pool.isShutdown() && saturated.compareAndSet(false, true)) {
        LOG.warn("All {} threads for load-balanced calls under a timeout rule are busy: calls run on their"
            + " callers' threads, timed but not cut off at their timeout, until one is free", pool.getMaximumPoolSize());
      }
      attempt.run();
    }
  }

  /** Interrupts the attempts under way and ends the threads. Idempotent. */
  @Override
  public void close() {
    pool.shutdownNow();
  }

  @Override
  public String toString() {
    return "BlockingCallTimeouts[maxThreads=" + pool.getMaximumPoolSize() + ", active=" + pool.getActiveCount() + "]";
  }

  /**
   * An attempt's future: its exchange run by {@link #run()}; the response it got is kept so that it
   * can be closed when the attempt is discarded (cancelled at its timeout, superseded by a retry,
   * or answering after its cancellation).
   */
  private static final class Attempt extends FutureTask<ClientHttpResponse> {
    private final AtomicReference<ClientHttpResponse> response;

    Attempt(PreparedExchange exchange) {
      this(exchange, new AtomicReference<>());
    }

    private Attempt(PreparedExchange exchange, AtomicReference<ClientHttpResponse> response) {
      super(() -> {
        ClientHttpResponse received = exchange.execute();
        response.set(received);
        if (received.getStatusCode().is5xxServerError()) {
          throw new FailedResponse(received.getStatusCode().value());
        }
        return received;
      });
      this.response = response;
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

    /** Governance cancels only an attempt it discards: one that completed meanwhile is closed too. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      if (!cancelled) {
        discardUnless(null);
      }
      return cancelled;
    }

    /** Closes this attempt's response, once, unless it is {@code answer}. */
    void discardUnless(ClientHttpResponse answer) {
      ClientHttpResponse received = response.get();
      if (received != null && received != answer && response.compareAndSet(received, null)) {
        try {
          received.close();
        } catch (RuntimeException e) {
          LOG.debug("Closing a discarded response failed", e);
        }
      }
    }
  }
}
