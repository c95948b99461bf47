package io.mse.client.nacos.internal;

import io.mse.client.ServerUnavailableException;
import io.mse.client.Ticker;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 */
public final class NacosTransport implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NacosTransport.class);
  public static final String USER_AGENT = "Nacos-Java-Client:v2.5.1 mse-client/0.1.0";

  private final NacosAddress address;
  private final OkHttpClient http;
  private final Ticker ticker;
  private volatile int preferred;
  /** Adds what every request needs (the access token, for one); identity by default. */
  private volatile UnaryOperator<NacosRequest> decorator = UnaryOperator.identity();
  private volatile boolean faultLogged;

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

  /** Sets what is applied to every request before it is sent (e.g. adding the access token). */
  public void decorator(UnaryOperator<NacosRequest> decorator) {
    this.decorator = decorator;
  }

  /**
   * Sends a request, moving across servers on faults until its deadline.
   *
   * @return the first answer that is not a server fault (4xx answers are returned, not thrown)
   * @throws ServerUnavailableException when no server answered without a fault within the deadline
   */
  public NacosResponse send(NacosRequest request) {
    NacosRequest decorated = decorator.apply(request);
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
        NacosResponse response = execute(server, decorated, remaining);
        if (response.status() == 500 || response.status() == 502 || response.status() == 503) {
          lastFault = server + " answered " + response.status() + " " + abbreviate(response.body());
          LOG.debug("{} {} on {}: {}", request.method(), request.path(), server, lastFault);
          continue;
        }
        preferred = index;
        if (faultLogged) {
          faultLogged = false;
          LOG.info("Nacos server {} answers again", server);
        }
        return response;
      } catch (IOException e) {
        lastFault = server + ": " + e;
        lastCause = e;
        LOG.debug("{} {} failed on {}: {}", request.method(), request.path(), server, e.toString());
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

  private NacosResponse execute(String server, NacosRequest request, long remainingNanos) throws IOException {
    HttpUrl base = HttpUrl.parse(server + address.contextPath() + request.path());
    if (base == null) {
      throw new IOException("malformed URL " + server + address.contextPath() + request.path());
    }
    HttpUrl.Builder url = base.newBuilder();
    request.query().forEach(url::addQueryParameter);
    RequestBody body = null;
    if (!request.method().equals("GET")) {
      FormBody.Builder form = new FormBody.Builder(java.nio.charset.StandardCharsets.UTF_8);
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
    try (Response response = call.execute()) {
      ResponseBody responseBody = response.body();
      String text = responseBody == null ? "" : responseBody.string();
      okhttp3.Headers headers = response.headers();
      return new NacosResponse(response.code(), text, server, headers::get);
    }
  }

  /** Makes the OkHttp client the engine shares: connect timeout from the request timeout. */
  public static OkHttpClient defaultClient(Duration requestTimeout) {
    return new OkHttpClient.Builder()
        .connectTimeout(requestTimeout)
        .readTimeout(Duration.ZERO)
        .writeTimeout(requestTimeout)
        .retryOnConnectionFailure(false)
        .build();
  }

  private static String abbreviate(String body) {
    String oneLine = body.replace('\n', ' ').strip();
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
  }

  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
