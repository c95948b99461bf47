package io.mse.client.nacos.internal;

import io.mse.client.MseClientConfig;
import io.mse.client.ServerUnavailableException;
import io.mse.client.Ticker;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends Nacos open API requests over the JDK's {@link HttpClient} (HTTP/1.1) to a list of servers:
 * starts at a random server, moves to the next on a connect failure, a timeout or a 500/502/503, all
 * within the request's one deadline, and remembers the last server that answered. Thread-safe.
 *
 * <p><b>Deadlines.</b> Each attempt on one server is bounded as a whole (connecting, the headers and
 * the whole body: {@code HttpRequest.timeout} alone stops counting once the headers arrived), and
 * the call is cancelled when its time is up. An attempt may take what remains of the deadline
 * divided by the servers left to try, so that a server that accepts and never answers leaves the
 * others time; a long poll ({@link NacosRequest#timeoutPerAttempt()}) may take its whole timeout on
 * each server.
 *
 * <p><b>Threads.</b> Synchronous requests ({@link #send}) block the calling thread only. Asynchronous
 * ones ({@link #sendAsync}, the long polls) hold no thread while the server holds them: the
 * {@code HttpClient}'s one selector thread ({@code HttpClient-<n>-SelectorManager}, not renamable)
 * multiplexes every connection, and each step after an answer runs on the executor the caller
 * gives, straight from the selector thread. The client is built with a direct executor, so nothing
 * else is started by it; but on Java 17 {@code sendAsync} also completes its own future through
 * {@code CompletableFuture}'s default executor (the common pool, or one short-lived thread per
 * request on hosts with fewer than 3 CPUs) — we do not wait for that detour, but it happens. The {@code HttpClient} cannot be closed on Java 17: {@link #close()} cancels every
 * request in flight and its selector thread ends once the client is unreachable.
 *
 * <p>Every request carries {@code User-Agent: Nacos-Java-Client:v2.5.1 mse-client/<version>}: a Nacos
 * server pushes instance lists over UDP only to agents that start with {@code Nacos-Java-Client:v}.
 *
 * <p>With an {@link Authenticator} set, every request is signed (the access token added, as the
 * {@code accessToken} header) just before it is sent, and a 403 that the authenticator recognizes as a token problem leads to one renewal
 * and one retry of the request. Nothing logged by this class contains a query string or a form
 * body, so neither tokens nor passwords nor config contents reach the logs.
 *
 * <p>The line of the servers (2.x or 3.x, {@link #serverLine}) is detected on first need and kept.
 */
public final class NacosTransport implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NacosTransport.class);
  public static final String USER_AGENT = "Nacos-Java-Client:v2.5.1 mse-client/0.1.0";
  static final String FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=UTF-8";
  /** The header that carries the expected MD5 of a compare-and-set publish (never the form body). */
  static final String CAS_MD5_HEADER = "casMd5";

  private final NacosAddress address;
  private final HttpClient http;
  private final Ticker ticker;
  /** Asynchronous attempts in flight, cancelled by {@link #close()}. */
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private volatile int preferred;
  /** Adds what every request needs; identity by default. */
  private volatile UnaryOperator<NacosRequest> decorator = UnaryOperator.identity();
  private volatile Authenticator authenticator;
  private volatile boolean faultLogged;
  /** The line of the servers, once detected; null until then. */
  private volatile NacosServerLine line;
  private final Object lineLock = new Object();

  /**
   * Signs requests with credentials and renews them when the server refuses them. Implementations
   * are thread-safe.
   */
  public interface Authenticator {

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
  public interface Timer {

    /**
     * Runs {@code task} once after {@code delay}, unless the returned future is cancelled first; a
     * timer that is closed may drop the task.
     */
    Future<?> schedule(Runnable task, Duration delay);
  }

  /**
   * @param address the parsed server address
   * @param http the client to send with (see {@link #client}); each request's deadline is its own
   * @param ticker the time source of deadlines
   */
  public NacosTransport(NacosAddress address, HttpClient http, Ticker ticker) {
    this(address, http, ticker, ThreadLocalRandom.current().nextInt(address.servers().size()));
  }

  /** As the public constructor, starting at the server of index {@code preferred} (tests). */
  NacosTransport(NacosAddress address, HttpClient http, Ticker ticker, int preferred) {
    this.address = address;
    this.http = http;
    this.ticker = ticker;
    this.preferred = preferred;
  }

  public NacosAddress address() {
    return address;
  }

  /** Sets what is applied to every request before it is sent and signed. */
  public void decorator(UnaryOperator<NacosRequest> decorator) {
    this.decorator = decorator;
  }

  /** Sets the authenticator that signs every request; null for none (the default). */
  public void authenticator(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  /** Returns the authenticator, or null when requests are not signed. */
  public Authenticator authenticator() {
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
  public NacosServerLine serverLine(Duration timeout) {
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
   * @throws io.mse.client.AuthenticationException when the authenticator's login is refused
   * @throws CancellationException when the calling thread is interrupted (its interrupt flag is kept)
   */
  public NacosResponse send(NacosRequest request) {
    Authenticator auth = authenticator;
    NacosRequest decorated = decorator.apply(request);
    NacosRequest signed = auth == null ? decorated : auth.sign(decorated);
    NacosResponse response = sendUnsigned(signed);
    if (response.status() == 403 && auth != null && auth.renew(signed, response)) {
      LOG.debug("{} refused the token; retrying once with a fresh one", response.server());
      response = sendUnsigned(auth.sign(decorated));
    }
    return response;
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
  public CompletableFuture<NacosResponse> sendAsync(NacosRequest request, Executor executor, Timer timer) {
    AsyncSend send = new AsyncSend(request, executor, timer);
    executor.execute(send::start);
    return send.result;
  }

  /** Sends a request as it is, without decorator or authenticator (the login itself). */
  NacosResponse sendUnsigned(NacosRequest request) {
    List<String> servers = address.servers();
    long deadline = ticker.read() + deadlineNanos(request, servers.size());
    int start = preferred;
    String lastFault = "no attempt within the deadline";
    Exception lastCause = null;
    for (int attempt = 0; attempt < servers.size(); attempt++) {
      long budget = attemptNanos(request, deadline - ticker.read(), servers.size() - attempt);
      if (budget <= 0) {
        break;
      }
      int index = (start + attempt) % servers.size();
      String server = servers.get(index);
      // sendAsync and a bounded wait: HttpClient.send stops counting its timeout once the headers
      // arrived, so a server stalling in the body would hold this thread past the deadline.
      CompletableFuture<HttpResponse<String>> call = http.sendAsync(httpRequest(server, request, budget),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      try {
        NacosResponse response = toResponse(server, call.get(budget, TimeUnit.NANOSECONDS));
        if (isServerFault(request, response)) {
          lastFault = server + " answered " + response.status() + " " + abbreviate(response.body());
          LOG.debug("{} on {}: {}", request, server, lastFault);
          continue;
        }
        answered(index, server);
        return response;
      } catch (TimeoutException e) {
        call.cancel(true);
        lastFault = server + ": " + timedOut(budget);
        lastCause = new HttpTimeoutException(lastFault);
        LOG.debug("{} failed on {}: {}", request, server, lastFault);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        if (cause instanceof Error error) {
          throw error;
        }
        lastFault = server + ": " + cause;
        lastCause = cause instanceof Exception x ? x : new IOException(cause);
        LOG.debug("{} failed on {}: {}", request, server, cause.toString());
      } catch (InterruptedException e) {
        call.cancel(true);
        Thread.currentThread().interrupt();
        throw new CancellationException(request + " was interrupted");
      }
    }
    throw unavailable(request, start, lastFault, lastCause);
  }

  /** Returns how long a request may take across {@code servers} servers. */
  private static long deadlineNanos(NacosRequest request, int servers) {
    long timeout = request.timeout().toNanos();
    return request.timeoutPerAttempt() ? saturatedMultiply(timeout, servers) : timeout;
  }

  /**
   * Returns how long the next attempt may take, with {@code remainingNanos} left of the deadline and
   * {@code serversLeft} servers (this one included) left to try: an equal share of what remains, or
   * for a request bounded per attempt its timeout (never past the deadline).
   */
  private static long attemptNanos(NacosRequest request, long remainingNanos, int serversLeft) {
    if (remainingNanos <= 0 || serversLeft <= 0) {
      return 0;
    }
    return request.timeoutPerAttempt() ? Math.min(request.timeout().toNanos(), remainingNanos)
        : remainingNanos / serversLeft;
  }

  private static long saturatedMultiply(long a, int b) {
    long product = a * b;
    return b != 0 && product / b != a ? Long.MAX_VALUE : product;
  }

  private static String timedOut(long budgetNanos) {
    return "no whole answer within " + TimeUnit.NANOSECONDS.toMillis(budgetNanos) + " ms";
  }

  private void answered(int index, String server) {
    preferred = index;
    if (faultLogged) {
      faultLogged = false;
      LOG.info("Nacos server {} answers again", server);
    }
  }

  private ServerUnavailableException unavailable(NacosRequest request, int start, String lastFault, Exception cause) {
    List<String> servers = address.servers();
    preferred = (start + 1) % servers.size();
    String within = request.timeout().toMillis() + (request.timeoutPerAttempt() ? " ms each" : " ms");
    if (!faultLogged) {
      faultLogged = true;
      LOG.warn("No Nacos server of {} answered {} {} within {}; last: {}", servers, request.method(),
          request.path(), within, lastFault);
    }
    return new ServerUnavailableException(request.resource(), "No Nacos server of " + servers + " answered "
        + request.method() + " " + request.path() + " within " + within + "; last: " + lastFault, cause);
  }

  /**
   * One asynchronous request: the attempts across servers within one deadline, then at most one
   * renewal of the token and a second round, as {@link #send(NacosRequest)} does synchronously.
   */
  private final class AsyncSend {
    final CompletableFuture<NacosResponse> result = new CompletableFuture<>();
    final NacosRequest request;
    final Executor executor;
    final Timer timer;
    NacosRequest decorated;
    NacosRequest signed;
    boolean renewed;
    long deadline;
    int start;
    String lastFault;
    Exception lastCause;
    volatile CompletableFuture<HttpResponse<String>> attempt;

    AsyncSend(NacosRequest request, Executor executor, Timer timer) {
      this.request = request;
      this.executor = executor;
      this.timer = timer;
      result.whenComplete((r, t) -> {
        CompletableFuture<HttpResponse<String>> current = attempt;
        if (result.isCancelled() && current != null) {
          current.cancel(true);
        }
      });
    }

    void start() {
      try {
        Authenticator auth = authenticator;
        decorated = decorator.apply(request);
        signed = auth == null ? decorated : auth.sign(decorated);
        round();
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

    /** Starts a round of attempts over every server, within a fresh deadline. */
    void round() {
      deadline = ticker.read() + deadlineNanos(request, address.servers().size());
      start = preferred;
      lastFault = "no attempt within the deadline";
      lastCause = null;
      next(0);
    }

    void next(int attemptNo) {
      List<String> servers = address.servers();
      long budget = attemptNanos(request, deadline - ticker.read(), servers.size() - attemptNo);
      if (budget <= 0) {
        result.completeExceptionally(unavailable(signed, start, lastFault, lastCause));
        return;
      }
      if (result.isDone() || closed) {
        result.completeExceptionally(new CancellationException(request + " was cancelled"));
        return;
      }
      int index = (start + attemptNo) % servers.size();
      String server = servers.get(index);
      // The answer is taken from the body subscriber, on the selector thread, and handed straight to
      // our executor: sendAsync's own future completes only after a detour through the JDK's default
      // executor (a thread start per answer on small hosts), which would add to every change's latency.
      CompletableFuture<NacosResponse> answer = new CompletableFuture<>();
      HttpResponse.BodyHandler<String> handler = info -> {
        HttpResponse.BodySubscriber<String> body = HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
        body.getBody().thenAccept(text -> answer.complete(new NacosResponse(info.statusCode(), text == null ? "" : text,
            server, name -> info.headers().firstValue(name).orElse(null))));
        return body;
      };
      CompletableFuture<HttpResponse<String>> call = http.sendAsync(httpRequest(server, signed, budget), handler);
      attempt = call;
      inFlight.add(call);
      if (result.isDone() || closed) {
        call.cancel(true); // cancelled, or the transport closed, between the check and the call
      }
      // HttpRequest.timeout stops counting once the headers arrived: the whole exchange is bounded here.
      Future<?> timeout = timer.schedule(() -> {
        if (answer.completeExceptionally(new HttpTimeoutException(timedOut(budget)))) {
          call.cancel(true);
        }
      }, Duration.ofNanos(budget));
      call.whenComplete((response, failure) -> {
        inFlight.remove(call);
        if (failure != null) {
          answer.completeExceptionally(failure);
        } else if (!answer.isDone()) {
          answer.complete(toResponse(server, response));
        }
      });
      answer.whenComplete((response, failure) -> {
        timeout.cancel(false);
        executor.execute(() -> {
          try {
            onAnswer(attemptNo, index, server, response, failure);
          } catch (Throwable e) {
            failed(e);
          }
        });
      });
    }

    void onAnswer(int attemptNo, int index, String server, NacosResponse response, Throwable failure) {
      if (result.isDone()) {
        return; // cancelled
      }
      if (failure != null) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        if (cause instanceof CancellationException || closed) {
          result.completeExceptionally(new CancellationException(request + " was cancelled"));
          return;
        }
        lastFault = server + ": " + cause;
        lastCause = cause instanceof Exception e ? e : new IOException(cause);
        LOG.debug("{} failed on {}: {}", request, server, cause.toString());
        next(attemptNo + 1);
        return;
      }
      if (isServerFault(request, response)) {
        lastFault = server + " answered " + response.status() + " " + abbreviate(response.body());
        LOG.debug("{} on {}: {}", request, server, lastFault);
        next(attemptNo + 1);
        return;
      }
      answered(index, server);
      Authenticator auth = authenticator;
      if (response.status() == 403 && auth != null && !renewed && auth.renew(signed, response)) {
        LOG.debug("{} refused the token; retrying once with a fresh one", response.server());
        renewed = true;
        signed = auth.sign(decorated);
        round();
        return;
      }
      result.complete(response);
    }
  }

  /**
   * A 500, 502 or 503 is a server fault worth trying the next server for, except a 500 that reports
   * a failed compare-and-set publish: that is the answer, the same on every server. Nacos 2.x words
   * it ("caused: Cas publish fail, server md5 may have changed.;"), 3.x answers a request that carries
   * a {@code casMd5} header with a bare {@code false}; nor is a login's 500 (see {@link #isLoginVerdict}).
   */
  static boolean isServerFault(NacosRequest request, NacosResponse response) {
    int status = response.status();
    if (status == 500 && isLoginVerdict(request, response)) {
      return false;
    }
    if (status == 500) {
      String body = response.body().toLowerCase(Locale.ROOT);
      boolean casConflict = request.headers().containsKey(CAS_MD5_HEADER) && body.strip().equals("false");
      return !(casConflict || body.contains("cas publish fail") || body.contains("md5 may have changed"));
    }
    return status == 502 || status == 503;
  }

  /**
   * A login answered 500 is returned to the login rather than tried on the next server: Nacos 2.x
   * answers an unknown user so ({@code caused: User x not found;}) and 3.0.3 a wrong password (its
   * {@code AccessException} escapes as a bare 500), and {@link NacosAuth} tells them from faults.
   */
  private static boolean isLoginVerdict(NacosRequest request, NacosResponse response) {
    return response.status() == 500 && (request.path().equals(NacosServerLine.V2.loginPath())
        || request.path().equals(NacosServerLine.V3.loginPath()));
  }

  private HttpRequest httpRequest(String server, NacosRequest request, long remainingNanos) {
    StringBuilder url = new StringBuilder(server).append(address.contextPath()).append(request.path());
    if (!request.query().isEmpty()) {
      url.append('?').append(encode(request.query()));
    }
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url.toString()))
        .timeout(Duration.ofNanos(Math.max(1_000_000, remainingNanos)))
        .header("User-Agent", USER_AGENT);
    if (request.method().equals("GET") || request.method().equals("DELETE") && request.form().isEmpty()) {
      builder.method(request.method(), HttpRequest.BodyPublishers.noBody());
    } else {
      builder.header("Content-Type", FORM_CONTENT_TYPE)
          .method(request.method(), HttpRequest.BodyPublishers.ofString(encode(request.form()), StandardCharsets.UTF_8));
    }
    request.headers().forEach(builder::header);
    return builder.build();
  }

  private static NacosResponse toResponse(String server, HttpResponse<String> answer) {
    String body = answer.body() == null ? "" : answer.body();
    java.net.http.HttpHeaders headers = answer.headers();
    return new NacosResponse(answer.statusCode(), body, server, name -> headers.firstValue(name).orElse(null));
  }

  /** Encodes parameters as {@code application/x-www-form-urlencoded} UTF-8 (also for query strings). */
  static String encode(Map<String, String> params) {
    StringBuilder out = new StringBuilder();
    params.forEach((name, value) -> {
      if (out.length() > 0) {
        out.append('&');
      }
      out.append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    });
    return out.toString();
  }

  /** Makes the HTTP client of a transport without TLS settings: connect timeout from the request timeout. */
  public static HttpClient defaultClient(Duration requestTimeout) {
    return builder(requestTimeout).build();
  }

  /**
   * Makes the HTTP client for a client's settings: connect timeout from the request timeout, and for
   * {@code https://} servers the trust store of the {@code nacos.tls.*} properties when one is set
   * (see {@link NacosTls}); host names are verified.
   *
   * @throws IllegalArgumentException when the trust store cannot be read
   */
  public static HttpClient client(MseClientConfig settings) {
    return client(settings, NacosAddress.parse(settings.serverAddr(), settings.property("nacos.contextPath", null)));
  }

  /**
   * As {@link #client(MseClientConfig)}, for the already parsed {@code address}: when none of its
   * servers is {@code https://}, the JVM's default TLS context (its trust store read from disk) is
   * not loaded at all, which takes a good part of a client's start-up.
   */
  static HttpClient client(MseClientConfig settings, NacosAddress address) {
    HttpClient.Builder builder = builder(settings.requestTimeout());
    SSLContext tls = NacosTls.sslContext(settings);
    if (tls == null && address.servers().stream().noneMatch(server -> server.startsWith("https://"))) {
      tls = NacosTls.plainHttpOnly();
    }
    if (tls != null) {
      builder.sslContext(tls);
    }
    return builder.build();
  }

  private static HttpClient.Builder builder(Duration requestTimeout) {
    // A direct executor: the client starts no thread beyond its selector; our callbacks hop to
    // the caller's executor before doing any work.
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(requestTimeout)
        .executor(Runnable::run);
  }

  private static String abbreviate(String body) {
    String oneLine = body.replace('\n', ' ').strip();
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
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
