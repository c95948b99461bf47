package io.mse.client.nacos.internal;

import io.mse.client.ServerStatus;
import io.mse.client.ServerUnavailableException;
import io.mse.client.Ticker;
import io.mse.client.spi.StatsRecorder;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends Nacos open API requests to a list of servers: starts at a random server, moves to the next on
 * a connect failure, a timeout or a 500/502/503, all within the request's one deadline, and remembers
 * the last server that answered. The policy (failover, the deadline's share per attempt, the one
 * re-login) is {@link Attempts}, the same for {@link #send} and {@link #sendAsync}; one attempt over
 * the JDK client is {@link NacosHttp}. Thread-safe.
 *
 * <p><b>Deadlines.</b> Each attempt on one server is bounded as a whole (connecting, the headers and
 * the whole body: {@code HttpRequest.timeout} alone stops counting once the headers arrived), and
 * the attempt is cancelled when its time is up.
 *
 * <p><b>Threads.</b> Synchronous requests ({@link #send}) block the calling thread only. Asynchronous
 * ones ({@link #sendAsync}, the long polls) hold no thread while the server holds them: the
 * {@code HttpClient}'s one selector thread ({@code HttpClient-<n>-SelectorManager}, not renamable)
 * multiplexes every connection, and each step after an answer runs on the executor the caller
 * gives, straight from the selector thread. The client is built with a direct executor
 * ({@link NacosHttpClients}), so nothing else is started by it; but on Java 17 {@code sendAsync} also
 * completes its own future through {@code CompletableFuture}'s default executor (the common pool, or
 * one short-lived thread per request on hosts with fewer than 3 CPUs) — we do not wait for that
 * detour, but it happens. The {@code HttpClient} cannot be closed on Java 17: {@link #close()}
 * cancels every asynchronous request in flight and its selector thread ends once the client is
 * unreachable.
 *
 * <p>With an {@link Authenticator} set, every request is signed (the access token added, as the
 * {@code accessToken} header) just before it is sent, and a 403 that the authenticator recognizes as
 * a token problem leads to one renewal and one retry of the request. Nothing logged by this class
 * contains a query string or a form body, so neither tokens nor passwords nor config contents reach
 * the logs.
 *
 * <p>A fault of the client's settings (an untrusted certificate, a wrong scheme or context path, see
 * {@link Misconfiguration}) is not retried: the request fails with a
 * {@link io.mse.client.MisconfigurationException} as soon as every server showed one.
 *
 * <p>The line of the servers (2.x or 3.x, {@link #serverLine}) is detected on first need and kept.
 *
 * <p>Public only for {@link io.mse.client.nacos.NacosAdmin}, which holds one; everything but
 * {@link #close()} is for this package.
 */
public final class NacosTransport implements AutoCloseable {

  private final NacosAddress address;
  private final NacosHttp http;
  private final Failover failover;
  /** Asynchronous attempts in flight, cancelled by {@link #close()}. */
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private volatile Authenticator authenticator;
  /** The line of the servers, once detected; null until then. */
  private volatile NacosServerLine line;
  private final Object lineLock = new Object();

  /**
   * Signs requests with credentials and renews them when the server refuses them. Implementations
   * are thread-safe.
   */
  interface Authenticator {

    /**
     * Returns {@code request} with the credentials added (an {@code accessToken} header).
     *
     * @throws io.mse.client.AuthenticationException when the credentials are refused
     * @throws ServerUnavailableException when no credentials could be obtained from any server
     */
    NacosRequest sign(NacosRequest request);

    /**
     * Called with a 403 answer to a signed request. Returns true when the refusal concerned the
     * token and fresh credentials were obtained, so that the request is worth one retry.
     *
     * @param signed the request as it was sent (with the token it carried)
     */
    boolean renew(NacosRequest signed, NacosResponse forbidden);
  }

  /**
   * Runs a task once after a delay on a thread its owner already runs, so that bounding an
   * asynchronous request starts no thread (unlike {@link CompletableFuture#orTimeout}, whose JDK-wide
   * timer thread would count against a client's threads). Implementations are thread-safe.
   */
  @FunctionalInterface
  interface Timer {

    /**
     * Runs {@code task} once after {@code delay}, unless the returned future is cancelled first; a
     * timer that is closed may drop the task.
     */
    Future<?> schedule(Runnable task, Duration delay);
  }

  /**
   * @param address the parsed server address
   * @param http the client to send with (see {@link NacosHttpClients}); each request's deadline is its own
   * @param ticker the time source of deadlines
   */
  NacosTransport(NacosAddress address, HttpClient http, Ticker ticker) {
    this(address, http, ticker, ThreadLocalRandom.current().nextInt(address.servers().size()));
  }

  /** As the other constructor, starting at the server of index {@code preferred} (tests). */
  NacosTransport(NacosAddress address, HttpClient http, Ticker ticker, int preferred) {
    this.address = address;
    this.http = new NacosHttp(http, address.contextPath());
    this.failover = new Failover(address, ticker, preferred);
  }

  /** What this transport's requests share about its servers (tests). */
  Failover failover() {
    return failover;
  }

  /** Makes the HTTP client of a transport without TLS settings (tests; see {@link NacosHttpClients}). */
  static HttpClient defaultClient(Duration requestTimeout) {
    return NacosHttpClients.defaultClient(requestTimeout);
  }

  NacosAddress address() {
    return address;
  }

  /** Counts this transport's failovers and request outcomes (and its login's logins) into {@code stats}. */
  void stats(StatsRecorder stats) {
    failover.stats = java.util.Objects.requireNonNull(stats, "stats");
  }

  /** Returns where this transport counts; a recorder of its own until {@link #stats(StatsRecorder)}. */
  StatsRecorder stats() {
    return failover.stats;
  }

  /** Sets the authenticator that signs every request; null for none (the default). */
  void authenticator(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  /** Returns the authenticator, or null when requests are not signed. */
  Authenticator authenticator() {
    return authenticator;
  }

  /**
   * Returns the line of the servers (2.x or 3.x), detecting it on the first call that reaches a server
   * ({@link NacosServerLine#detect}) and keeping it for the life of this transport.
   *
   * @param timeout the deadline of the detection, when one is needed
   * @throws ServerUnavailableException when it is not known yet and no server answered; a later call
   *     tries again
   */
  NacosServerLine serverLine(Duration timeout) {
    NacosServerLine known = line;
    if (known != null) {
      return known;
    }
    synchronized (lineLock) {
      if (line == null) {
        line = NacosServerLine.detect(this, timeout);
      }
      return line;
    }
  }

  /** Sets the line of the servers without asking them (tests, or a caller that knows it). */
  void serverLine(NacosServerLine known) {
    this.line = known;
  }

  /**
   * Sends a request, moving across servers on faults until its deadline; blocks the calling thread.
   *
   * @return the first answer that is not a server fault (4xx answers are returned, not thrown)
   * @throws ServerUnavailableException when no server answered without a fault within the deadline
   * @throws io.mse.client.MisconfigurationException at once when every server showed a fault of the
   *     client's settings (see {@link Misconfiguration}), which no retry heals
   * @throws io.mse.client.AuthenticationException when the authenticator's login is refused
   * @throws CancellationException when the calling thread is interrupted (its interrupt flag is kept)
   */
  NacosResponse send(NacosRequest request) {
    return await(new Attempts(failover, request, authenticator));
  }

  /** Sends a request as it is, unsigned (the login itself, and what needs no login). */
  NacosResponse sendUnsigned(NacosRequest request) {
    return await(new Attempts(failover, request, null));
  }

  /** Runs the attempts of a request on the calling thread, waiting for each in turn. */
  private NacosResponse await(Attempts attempts) {
    for (Attempts.Attempt attempt = attempts.next(); attempt != null; attempt = attempts.next()) {
      NacosHttp.Exchange exchange = http.start(attempt.server(), attempts.signed(), attempt.budgetNanos());
      try {
        NacosResponse response = exchange.answer.get(attempt.budgetNanos(), TimeUnit.NANOSECONDS);
        if (attempts.answered(attempt, response)) {
          return response;
        }
      } catch (TimeoutException e) {
        exchange.timeOut();
        attempts.failed(attempt, new HttpTimeoutException(NacosHttp.timedOut(attempt.budgetNanos())));
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        if (cause instanceof Error error) {
          throw error;
        }
        attempts.failed(attempt, cause);
      } catch (InterruptedException e) {
        exchange.cancel();
        Thread.currentThread().interrupt();
        throw new CancellationException(attempts.signed() + " was interrupted");
      }
    }
    throw attempts.unavailable();
  }

  /**
   * Sends a request as {@link #send(NacosRequest)} does, without holding a thread while the server
   * answers: every step after an answer (the next server, a login renewal and the retry) runs on
   * {@code executor}, which may block briefly (a login is synchronous). Each attempt is bounded by a
   * task on {@code timer} that cancels it when its time is up (a server that stalls after the
   * headers included); the request then moves to the next server.
   *
   * @return the answer's future; it fails with {@link ServerUnavailableException} or
   *     {@link io.mse.client.AuthenticationException} as {@link #send(NacosRequest)} throws them, with a
   *     {@link CancellationException} once this transport is closed, and cancelling it aborts the
   *     request in flight (its connection is closed)
   */
  CompletableFuture<NacosResponse> sendAsync(NacosRequest request, Executor executor, Timer timer) {
    AsyncSend send = new AsyncSend(request, executor, timer);
    executor.execute(send::start);
    return send.result;
  }

  /** One asynchronous request: its {@link Attempts}, each step run on the caller's executor. */
  private final class AsyncSend {
    final CompletableFuture<NacosResponse> result = new CompletableFuture<>();
    final NacosRequest request;
    final Executor executor;
    final Timer timer;
    Attempts attempts;
    volatile NacosHttp.Exchange current;

    AsyncSend(NacosRequest request, Executor executor, Timer timer) {
      this.request = request;
      this.executor = executor;
      this.timer = timer;
      result.whenComplete((r, t) -> {
        NacosHttp.Exchange exchange = current;
        if (result.isCancelled() && exchange != null) {
          exchange.cancel();
        }
      });
    }

    void start() {
      try {
        attempts = new Attempts(failover, request, authenticator);
        next();
      } catch (Throwable e) {
        failed(e);
      }
    }

    /** Fails the request with {@code e}, so that its caller goes on; an Error is thrown on after. */
    void failed(Throwable e) {
      result.completeExceptionally(e);
      if (e instanceof Error error) {
        throw error;
      }
    }

    void next() {
      Attempts.Attempt attempt = attempts.next();
      if (attempt == null) {
        result.completeExceptionally(attempts.unavailable());
        return;
      }
      if (result.isDone() || closed) {
        result.completeExceptionally(new CancellationException(request + " was cancelled"));
        return;
      }
      NacosHttp.Exchange exchange = http.start(attempt.server(), attempts.signed(), attempt.budgetNanos());
      current = exchange;
      inFlight.add(exchange.call);
      exchange.call.whenComplete((response, failure) -> inFlight.remove(exchange.call));
      if (result.isDone() || closed) {
        exchange.cancel(); // cancelled, or the transport closed, between the check and the call
      }
      // HttpRequest.timeout stops counting once the headers arrived: the whole exchange is bounded here.
      Future<?> timeout = timer.schedule(exchange::timeOut, Duration.ofNanos(attempt.budgetNanos()));
      exchange.answer.whenComplete((response, failure) -> {
        timeout.cancel(false);
        executor.execute(() -> {
          try {
            onAnswer(attempt, response, failure);
          } catch (Throwable e) {
            failed(e);
          }
        });
      });
    }

    void onAnswer(Attempts.Attempt attempt, NacosResponse response, Throwable failure) {
      if (result.isDone()) {
        return; // cancelled
      }
      if (closed) {
        // closed while the exchange ran: even an answer that beat the cancellation is not delivered
        result.completeExceptionally(new CancellationException(request + " was cancelled"));
        return;
      }
      if (failure != null) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        if (cause instanceof CancellationException) {
          result.completeExceptionally(new CancellationException(request + " was cancelled"));
          return;
        }
        attempts.failed(attempt, cause);
        next();
      } else if (attempts.answered(attempt, response)) {
        result.complete(response);
      } else {
        next();
      }
    }
  }

  /**
   * Returns whether a server answered this transport's last request, and since when none has (from
   * memory).
   */
  public ServerStatus status() {
    return failover.status();
  }

  /**
   * Cancels every asynchronous request in flight (their connections are closed); later asynchronous
   * requests fail at once. Synchronous ones end with their deadline or their thread's interrupt. The
   * JDK client itself cannot be closed on Java 17: its selector thread ends, and its idle
   * connections close, once this transport is unreachable. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    for (CompletableFuture<?> call : inFlight) {
      call.cancel(true);
    }
    inFlight.clear();
  }
}
