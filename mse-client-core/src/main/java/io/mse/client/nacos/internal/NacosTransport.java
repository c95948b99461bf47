package io.mse.client.nacos.internal;

import io.mse.client.MseClientConfig;
import io.mse.client.ServerUnavailableException;
import io.mse.client.Ticker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import okhttp3.Call;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends Nacos open API requests over OkHttp to a list of servers: starts at a random server, moves to
 * the next on a connect failure, a timeout or a 500/502/503, all within the request's one deadline,
 * and remembers the last server that answered. Synchronous calls only: it starts no threads of its
 * own beyond OkHttp's connection-pool cleaner. Thread-safe.
 *
 * <p>Every request carries {@code User-Agent: Nacos-Java-Client:v2.5.1 mse-client/<version>}: a Nacos
 * server pushes instance lists over UDP only to agents that start with {@code Nacos-Java-Client:v}.
 *
 * <p>With an {@link Authenticator} set, every request is signed (the access token added) just before
 * it is sent, and a 403 that the authenticator recognizes as a token problem leads to one renewal
 * and one retry of the request. Nothing logged by this class contains a query string or a form
 * body, so neither tokens nor passwords nor config contents reach the logs.
 */
public final class NacosTransport implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NacosTransport.class);
  public static final String USER_AGENT = "Nacos-Java-Client:v2.5.1 mse-client/0.1.0";

  private final NacosAddress address;
  private final OkHttpClient http;
  private final Ticker ticker;
  private volatile int preferred;
  /** Adds what every request needs; identity by default. */
  private volatile UnaryOperator<NacosRequest> decorator = UnaryOperator.identity();
  private volatile Authenticator authenticator;
  private volatile boolean faultLogged;

  /**
   * Signs requests with credentials and renews them when the server refuses them. Implementations
   * are thread-safe.
   */
  public interface Authenticator {

    /**
     * Returns {@code request} with the credentials added (an {@code accessToken} parameter).
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
   * A handle on the call a request is being sent with, so that another thread can cancel it (a long
   * poll that must restart, an engine that closes). Thread-safe; one handle per request.
   */
  public static final class CallHandle {
    private Call call;
    private boolean cancelled;

    synchronized void attach(Call newCall) {
      if (cancelled) {
        newCall.cancel();
      }
      call = newCall;
    }

    /** Cancels the call in flight, if any, and every later attempt of the request. Idempotent. */
    public synchronized void cancel() {
      cancelled = true;
      if (call != null) {
        call.cancel();
      }
    }

    /** Returns true once {@link #cancel()} was called. */
    public synchronized boolean isCancelled() {
      return cancelled;
    }
  }

  /**
   * @param address the parsed server address
   * @param http the client to send with; its timeouts are overridden per call by the request deadline
   * @param ticker the time source of deadlines
   */
  public NacosTransport(NacosAddress address, OkHttpClient http, Ticker ticker) {
    this.address = address;
    this.http = http;
    this.ticker = ticker;
    this.preferred = ThreadLocalRandom.current().nextInt(address.servers().size());
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
   * Sends a request, moving across servers on faults until its deadline.
   *
   * @return the first answer that is not a server fault (4xx answers are returned, not thrown)
   * @throws ServerUnavailableException when no server answered without a fault within the deadline
   * @throws io.mse.client.AuthenticationException when the authenticator's login is refused
   */
  public NacosResponse send(NacosRequest request) {
    return send(request, null);
  }

  /**
   * Sends a request as {@link #send(NacosRequest)} does, through a handle that lets another thread
   * cancel it.
   *
   * @param handle the cancellation handle; null for none
   * @throws CancellationException when the handle was cancelled before or during the request
   */
  public NacosResponse send(NacosRequest request, CallHandle handle) {
    Authenticator auth = authenticator;
    NacosRequest decorated = decorator.apply(request);
    NacosRequest signed = auth == null ? decorated : auth.sign(decorated);
    NacosResponse response = sendUnsigned(signed, handle);
    if (response.status() == 403 && auth != null && auth.renew(signed, response)) {
      LOG.debug("{} refused the token; retrying once with a fresh one", response.server());
      response = sendUnsigned(auth.sign(decorated), handle);
    }
    return response;
  }

  /** Sends a request as it is, without decorator or authenticator (the login itself). */
  NacosResponse sendUnsigned(NacosRequest request, CallHandle handle) {
    long deadline = ticker.read() + request.timeout().toNanos();
    List<String> servers = address.servers();
    int start = preferred;
    String lastFault = "no attempt within the deadline";
    Exception lastCause = null;
    for (int attempt = 0; attempt < servers.size(); attempt++) {
      long remaining = deadline - ticker.read();
      if (remaining <= 0) {
        break;
      }
      int index = (start + attempt) % servers.size();
      String server = servers.get(index);
      try {
        NacosResponse response = execute(server, request, remaining, handle);
        if (isServerFault(response)) {
          lastFault = server + " answered " + response.status() + " " + abbreviate(response.body());
          LOG.debug("{} on {}: {}", request, server, lastFault);
          continue;
        }
        preferred = index;
        if (faultLogged) {
          faultLogged = false;
          LOG.info("Nacos server {} answers again", server);
        }
        return response;
      } catch (IOException e) {
        if (handle != null && handle.isCancelled()) {
          throw new CancellationException(request + " was cancelled");
        }
        lastFault = server + ": " + e;
        lastCause = e;
        LOG.debug("{} failed on {}: {}", request, server, e.toString());
      }
    }
    preferred = (start + 1) % servers.size();
    if (!faultLogged) {
      faultLogged = true;
      LOG.warn("No Nacos server of {} answered {} {} within {} ms; last: {}", servers, request.method(),
          request.path(), request.timeout().toMillis(), lastFault);
    }
    throw new ServerUnavailableException(request.resource(), "No Nacos server of " + servers + " answered "
        + request.method() + " " + request.path() + " within " + request.timeout().toMillis() + " ms; last: "
        + lastFault, lastCause);
  }

  /**
   * A 500, 502 or 503 is a server fault worth trying the next server for, except a 500 that reports
   * a failed compare-and-set publish ("Cas publish fail"): that is the answer, the same on every server.
   */
  static boolean isServerFault(NacosResponse response) {
    int status = response.status();
    if (status == 500) {
      String body = response.body().toLowerCase(Locale.ROOT);
      return !(body.contains("cas publish fail") || body.contains("md5 may have changed"));
    }
    return status == 502 || status == 503;
  }

  private NacosResponse execute(String server, NacosRequest request, long remainingNanos, CallHandle handle)
      throws IOException {
    HttpUrl base = HttpUrl.parse(server + address.contextPath() + request.path());
    if (base == null) {
      throw new IOException("malformed URL " + server + address.contextPath() + request.path());
    }
    HttpUrl.Builder url = base.newBuilder();
    request.query().forEach(url::addQueryParameter);
    RequestBody body = null;
    if (!request.method().equals("GET")) {
      FormBody.Builder form = new FormBody.Builder(StandardCharsets.UTF_8);
      request.form().forEach(form::add);
      body = form.build();
    }
    Request.Builder builder = new Request.Builder().url(url.build()).method(request.method(), body)
        .header("User-Agent", USER_AGENT);
    for (Map.Entry<String, String> header : request.headers().entrySet()) {
      builder.header(header.getKey(), header.getValue());
    }
    Call call = http.newCall(builder.build());
    call.timeout().timeout(Math.max(1, remainingNanos), TimeUnit.NANOSECONDS);
    if (handle != null) {
      handle.attach(call);
    }
    try (Response response = call.execute()) {
      ResponseBody responseBody = response.body();
      String text = responseBody == null ? "" : responseBody.string();
      okhttp3.Headers headers = response.headers();
      return new NacosResponse(response.code(), text, server, headers::get);
    }
  }

  /** Makes the OkHttp client the engine shares: connect timeout from the request timeout. */
  public static OkHttpClient defaultClient(Duration requestTimeout) {
    return builder(requestTimeout).build();
  }

  /**
   * Makes the OkHttp client for a client's settings: timeouts from the request timeout, and for
   * {@code https://} servers the trust store of the {@code nacos.tls.*} properties when one is set
   * (see {@link NacosTls}).
   *
   * @throws IllegalArgumentException when the trust store cannot be read
   */
  public static OkHttpClient client(MseClientConfig settings) {
    OkHttpClient.Builder builder = builder(settings.requestTimeout());
    NacosTls.configure(builder, settings);
    return builder.build();
  }

  private static OkHttpClient.Builder builder(Duration requestTimeout) {
    return new OkHttpClient.Builder()
        .connectTimeout(requestTimeout)
        .readTimeout(Duration.ZERO)
        .writeTimeout(requestTimeout)
        .retryOnConnectionFailure(false);
  }

  private static String abbreviate(String body) {
    String oneLine = body.replace('\n', ' ').strip();
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
  }

  /** Cancels every call in flight (synchronous ones included) and releases the connections. */
  @Override
  public void close() {
    http.dispatcher().cancelAll();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
