package io.mse.client.spring.loadbalancer;

import io.mse.client.governance.CallTimeoutException;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernedCall;
import io.mse.client.governance.GovernedRequest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
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
 * ({@code Future.cancel(true)}: its thread is interrupted, and an abort hook registered through
 * {@link #abortOnCancel} is run, which aborts the exchange where the request factory allows),
 * recorded as a {@link CallTimeoutException} (breaker, outlier detection) and retried on another
 * instance as the retry rule and budget allow. Used by {@link MseLoadBalancerInterceptor} for calls
 * whose {@link Governance#timeoutOf} is not null; calls without a timeout rule never come here and
 * stay on the caller's thread.
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
 *   <li>{@code HttpComponentsClientHttpRequestFactory} (Apache HttpClient 5) built by Spring Boot 4:
 *       mse-client's exec interceptor ({@link HttpComponentsAbort}) registers the exchange's
 *       {@code cancel()}, which closes its connection;
 *   <li>{@code SimpleClientHttpRequestFactory} ({@code HttpURLConnection}, what {@code new
 *       RestTemplate()} uses, with <b>no read timeout</b>), an Apache HttpClient 5 client built without
 *       {@link HttpComponentsAbort}, and {@code JettyClientHttpRequestFactory} (which stops waiting on
 *       interrupt but does not abort the Jetty request): the exchange runs on in the background, on its
 *       thread of this pool, until it ends by itself (the factory's read timeout at most); a response
 *       that arrives then is closed and discarded. One WARN per response class names such a factory
 *       the first time it answers an attempt.
 * </ul>
 *
 * <p><b>Bounds.</b> At most {@code maxThreads} attempts run at once, and at most
 * {@code maxThreadsPerService} of them for one service, so a service whose attempts hang cannot take
 * the threads of the others. An attempt that outlives its timeout keeps its place until its exchange
 * ends. A call waits for a free place up to its timeout; when none frees up in time its first attempt
 * is refused with a {@link TimeoutThreadsBusyException} (a {@link CallTimeoutException}) before
 * governance is asked: nothing is sent or recorded. A retry that finds no place within its timeout
 * is not sent either: its future is handed to governance already cancelled, so governance gives the
 * retry's permits back, records nothing against the instance chosen for it (never contacted) and
 * makes no further attempt, and the call fails with a {@link TimeoutThreadsBusyException} (the
 * previous attempt's timeout stays recorded). An attempt never runs on the caller's thread. One WARN per
 * service when its calls start being refused, one INFO when they are served again.
 *
 * <p><b>Threads and context.</b> Daemon threads named {@value #THREAD_NAME_PREFIX}{@code <n>}, made on
 * demand and ended after 60 s idle; they do not inherit the creating caller's
 * {@code InheritableThreadLocal}s, and their context class loader is this class's loader. Each
 * attempt runs within its caller's context captured when it starts, where Micrometer's
 * context-propagation library is on the class path: every {@code ThreadLocalAccessor} registered in
 * its {@code ContextRegistry} (Spring Security's {@code SecurityContextHolder}, SLF4J's MDC,
 * Micrometer's observation, when their accessors are registered), restored after the attempt. Without
 * it the attempt sees none of the caller's thread-locals.
 *
 * <p>Discarded responses (superseded by a retry, late, answering after their cancellation) are
 * closed on a thread of this pool (on the caller's only when every place is taken), so draining a
 * body does not lengthen the caller's wait.
 *
 * <p>Thread-safe. {@link #close()} stops the threads: attempts under way are interrupted and their
 * waiting callers given an {@link InterruptedIOException} with nothing recorded against the
 * instance; later calls are refused the same way.
 */
public final class BlockingCallTimeouts implements AutoCloseable {

  /** The name prefix of this object's threads: {@value}. */
  public static final String THREAD_NAME_PREFIX = "mse-lb-timeout-";

  /** The most threads: {@value}. */
  public static final int MAX_THREADS = 10_000;

  /** The longest {@link #close()} waits for interrupted callers to leave before it interrupts the attempts. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
  private static final Logger LOG = LoggerFactory.getLogger(BlockingCallTimeouts.class);
  private static final AtomicInteger THREADS = new AtomicInteger();
  /** Response classes of request factories that cannot abort an exchange on interrupt. */
  private static final Set<String> UNABORTABLE = Set.of("org.springframework.http.client.SimpleClientHttpResponse",
      "org.springframework.http.client.HttpComponentsClientHttpResponse",
      "org.springframework.http.client.JettyClientHttpResponse");

  private final int maxThreads;
  private final int maxThreadsPerService;
  private final Semaphore places;
  private final ConcurrentHashMap<String, Semaphore> servicePlaces = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Boolean> refusing = new ConcurrentHashMap<>();
  private final Set<String> warnedFactories = ConcurrentHashMap.newKeySet();
  private final Set<ActiveCall> calls = ConcurrentHashMap.newKeySet();
  private final ThreadPoolExecutor pool;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Threads with a per-service share of a quarter of {@code maxThreads} (at least 1).
   *
   * @param maxThreads the most attempts sent at the same time (each on a thread of its own); 1 to
   *     {@value #MAX_THREADS}
   * @throws IllegalArgumentException when {@code maxThreads} is out of range
   */
  public BlockingCallTimeouts(int maxThreads) {
    this(maxThreads, Math.max(1, maxThreads / 4));
  }

  /**
   * @param maxThreads the most attempts sent at the same time (each on a thread of its own); 1 to
   *     {@value #MAX_THREADS}
   * @param maxThreadsPerService the most of them for one service; 1 to {@value #MAX_THREADS}, used
   *     up to {@code maxThreads}
   * @throws IllegalArgumentException when a value is out of range
   */
  public BlockingCallTimeouts(int maxThreads, int maxThreadsPerService) {
    if (maxThreads < 1 || maxThreads > MAX_THREADS) {
      throw new IllegalArgumentException("maxThreads " + maxThreads + " is invalid: it must be 1 to " + MAX_THREADS);
    }
    if (maxThreadsPerService < 1 || maxThreadsPerService > MAX_THREADS) {
      throw new IllegalArgumentException("maxThreadsPerService " + maxThreadsPerService + " is invalid: it must be 1 to "
          + MAX_THREADS);
    }
    this.maxThreads = maxThreads;
    this.maxThreadsPerService = Math.min(maxThreads, maxThreadsPerService);
    this.places = new Semaphore(maxThreads);
    ClassLoader loader = BlockingCallTimeouts.class.getClassLoader();
    // places bound the busy threads; a thread freed a moment ago may not yet take the next task, so
    // the executor itself is unbounded and a spare thread may exist for a moment
    this.pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
      Thread thread = new Thread(null, task, THREAD_NAME_PREFIX + THREADS.incrementAndGet(), 0, false);
      thread.setDaemon(true);
      thread.setContextClassLoader(loader);
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
   * For request-factory adapters (such as {@link HttpComponentsAbort}): registers {@code abort}, to be
   * run when the attempt running on the current thread is cancelled at its timeout (at once when it
   * already was). Outside an attempt of this class it does nothing.
   *
   * @param abort aborts the exchange under way (e.g. closes its connection); not null, must not block
   * @return unregisters {@code abort}; call it when the exchange has its response. Never null
   */
  public static Runnable abortOnCancel(Runnable abort) {
    Objects.requireNonNull(abort, "abort");
    TimedAttempt attempt = TimedAttempt.CURRENT.get();
    return attempt == null ? () -> { } : attempt.onCancel(abort);
  }

  /**
   * Runs the call under governance, each attempt prepared by {@code prepare} on the caller's thread
   * and sent on a thread of this object; a response of status 5xx is a failure (recorded, retried),
   * and when every attempt failed the last failed response is the answer. Responses of attempts
   * that were superseded, timed out or answered after their cancellation are closed.
   *
   * @param timeout the call's timeout rule ({@link Governance#timeoutOf}); the longest wait for a thread
   * @return the successful attempt's response, or the last failed response
   * @throws TimeoutThreadsBusyException when no thread was free within {@code timeout}: for the first
   *     attempt (nothing sent, nothing recorded), or for a retry (the retry not sent, nothing recorded
   *     against its instance; the previous attempts' outcomes stay recorded)
   * @throws CallTimeoutException when the last attempt timed out
   * @throws InterruptedIOException when the caller's thread was interrupted while it waited (the
   *     attempt is cancelled, nothing recorded; the thread's interrupt flag stays set), or when this
   *     object is or was closed meanwhile (nothing recorded; the flag cleared)
   * @throws IOException the last attempt's {@link IOException}, or another checked exception wrapped
   * @throws io.mse.client.MseException subtypes: the refusals of governance, unwrapped
   */
  ClientHttpResponse call(Governance governance, GovernedRequest request, Duration timeout,
      GovernedCall<PreparedExchange> prepare) throws IOException {
    ActiveCall call = new ActiveCall();
    calls.add(call);
    List<TimedAttempt> attempts = new ArrayList<>(2);
    ClientHttpResponse answer = null;
    try {
      if (closed.get()) {
        throw closedWhile(request);
      }
      call.permit.set(acquire(request, timeout, false));
      answer = governance.callCancellable(request, instance -> {
        PreparedExchange exchange = prepare.call(instance);
        Permit permit = call.permit.getAndSet(null);
        if (permit == null) {   // the previous attempt took its place with it: it is still running
          try {
            permit = acquire(request, timeout, true);
          } catch (TimeoutThreadsBusyException busy) {
            // Not sent: a cancelled future makes governance release the attempt's permits, record
            // nothing against this instance and retry no more; the refusal is thrown below.
            call.retryRefused.set(busy);
            CompletableFuture<ClientHttpResponse> notSent = new CompletableFuture<>();
            notSent.cancel(false);
            return notSent;
          } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            return new CompletableFuture<>();   // governance's wait ends at once, nothing recorded
          }
        }
        TimedAttempt attempt = TimedAttempt.of(exchange, permit, call.permit::set, this::closeOffCaller,
            this::noteResponse);
        attempts.add(attempt);
        try {
          pool.execute(attempt);
        } catch (RejectedExecutionException e) {   // closed meanwhile
          permit.release();
          Thread.currentThread().interrupt();
          return new CompletableFuture<>();
        }
        return attempt;
      });
      return answer;
    } catch (FailedResponse failed) {
      // only the last attempt's failure is thrown: its response is the answer
      answer = attempts.get(attempts.size() - 1).response();
      return answer;
    } catch (InterruptedException e) {
      InterruptedIOException interrupted = call.leave() ? closedWhile(request)
          : new InterruptedIOException("interrupted while waiting for '" + request.resource() + "'");
      interrupted.initCause(e);
      throw interrupted;
    } catch (CancellationException e) {
      TimeoutThreadsBusyException busy = call.retryRefused.get();
      throw busy != null ? busy : e;
    } catch (InterruptedIOException e) {   // interrupted while waiting for a thread
      if (call.leave()) {
        InterruptedIOException abandoned = closedWhile(request);
        abandoned.initCause(e);
        throw abandoned;
      }
      throw e;
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
      call.leave();
      calls.remove(call);
      Permit permit = call.permit.getAndSet(null);
      if (permit != null) {
        permit.release();
      }
      for (TimedAttempt attempt : attempts) {
        attempt.discardUnless(answer);
      }
    }
  }

  /**
   * Takes a place for one attempt of {@code request}: one of its service's share, then one of all,
   * each waited for up to what is left of {@code timeout}.
   *
   * @param retry whether the place is for a retry (an earlier attempt was sent), for the refusal's message
   */
  private Permit acquire(GovernedRequest request, Duration timeout, boolean retry) throws InterruptedIOException {
    String service = request.service();
    Semaphore share = servicePlaces.computeIfAbsent(service, s -> new Semaphore(maxThreadsPerService));
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (!share.tryAcquire() && !share.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw refused(request, timeout, "all " + maxThreadsPerService + " threads of its service's share", retry);
      }
      if (!places.tryAcquire() && !places.tryAcquire(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
        share.release();
        throw refused(request, timeout, "all " + maxThreads + " threads", retry);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted = new InterruptedIOException("interrupted while waiting for a thread for '"
          + request.resource() + "'");
      interrupted.initCause(e);
      throw interrupted;
    }
    if (!refusing.isEmpty() && refusing.remove(service) != null) {
      LOG.info("Load-balanced calls to '{}' under a timeout rule find threads again", service);
    }
    return new Permit(share);
  }

  private TimeoutThreadsBusyException refused(GovernedRequest request, Duration timeout, String busy,
      boolean retry) {
    if (refusing.putIfAbsent(request.service(), Boolean.TRUE) == null) {
      LOG.warn("Load-balanced calls to '{}' under a timeout rule are refused: {} are busy, most likely with"
          + " attempts still running after their timeout on a request factory that cannot abort them (give it"
          + " a read timeout, e.g. spring.http.clients.read-timeout; new RestTemplate() has none)",
          request.service(), busy);
    }
    return new TimeoutThreadsBusyException(request.resource(), request.service(), timeout, busy, retry);
  }

  private InterruptedIOException closedWhile(GovernedRequest request) {
    return new InterruptedIOException("call to '" + request.resource()
        + "' abandoned: the load balancer's timeout threads are closed (the application is stopping)");
  }

  /** Closes a discarded response on a pool thread, or here when every place is taken. */
  private void closeOffCaller(ClientHttpResponse response) {
    if (!closed.get() && places.tryAcquire()) {
      try {
        pool.execute(() -> {
          try {
            close(response);
          } finally {
            places.release();
          }
        });
        return;
      } catch (RejectedExecutionException e) {
        places.release();
      }
    }
    close(response);
  }

  private static void close(ClientHttpResponse response) {
    try {
      response.close();
    } catch (RuntimeException e) {
      LOG.debug("Closing a discarded response failed", e);
    }
  }

  /** One WARN per response class of a request factory that cannot abort, unless an abort hook was set. */
  private void noteResponse(ClientHttpResponse response, boolean abortable) {
    String type = response.getClass().getName();
    if (!abortable && UNABORTABLE.contains(type) && warnedFactories.add(type)) {
      LOG.warn("Load-balanced calls under a timeout rule use a request factory ({}) that cannot abort an exchange:"
          + " a provider that does not answer keeps a thread of mse.loadbalancer.max-timeout-threads until the"
          + " factory's read timeout; make sure it has one (new RestTemplate() has none; set"
          + " spring.http.clients.read-timeout, or use the JDK or Reactor Netty factory)", type);
    }
  }

  /** The response classes named in the WARN about request factories that cannot abort; a copy. */
  Set<String> unabortableFactoriesWarned() {
    return Set.copyOf(warnedFactories);
  }

  /**
   * Stops the threads: the callers waiting are interrupted and their waits ended (they get an
   * {@link InterruptedIOException}, nothing recorded against the instance; up to 2 s is given them to
   * leave), then the attempts under way are interrupted. Idempotent.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      for (ActiveCall call : calls) {
        call.interruptIfWaiting();
      }
      // the callers first: an attempt that failed on the pool's interrupt before its caller left would
      // be recorded as the instance's failure
      long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
      for (ActiveCall call : calls) {
        if (!call.awaitLeft(deadline - System.nanoTime())) {
          break;
        }
      }
      pool.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "BlockingCallTimeouts[maxThreads=" + maxThreads + ", maxThreadsPerService=" + maxThreadsPerService
        + ", busy=" + (maxThreads - places.availablePermits()) + "]";
  }

  /** A place taken for one attempt: one of its service's share and one of all; released once. */
  final class Permit {
    private final Semaphore share;
    private final AtomicBoolean released = new AtomicBoolean();

    Permit(Semaphore share) {
      this.share = share;
    }

    void release() {
      if (released.compareAndSet(false, true)) {
        places.release();
        share.release();
      }
    }
  }

  /**
   * A call under way: its caller's thread (interrupted by {@link #close()} only while it is inside
   * the call) and the place its next attempt uses.
   */
  private static final class ActiveCall {
    final AtomicReference<Permit> permit = new AtomicReference<>();
    /** Set when a retry found no thread and was not sent: what the call then throws. */
    final AtomicReference<TimeoutThreadsBusyException> retryRefused = new AtomicReference<>();
    private final Thread caller = Thread.currentThread();
    private boolean inside = true;
    private boolean interruptedByClose;

    synchronized void interruptIfWaiting() {
      if (inside) {
        interruptedByClose = true;
        caller.interrupt();
      }
    }

    /** Leaves the call; returns whether close() interrupted it, whose interrupt is then cleared. */
    synchronized boolean leave() {
      if (inside) {
        inside = false;
        if (interruptedByClose) {
          Thread.interrupted();
        }
        notifyAll();
      }
      return interruptedByClose;
    }

    /** Waits up to {@code nanos} for the caller to leave; false when it has not. */
    synchronized boolean awaitLeft(long nanos) {
      long deadline = System.nanoTime() + nanos;
      try {
        while (inside) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          TimeUnit.NANOSECONDS.timedWait(this, left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      return true;
    }
  }
}
