package io.mse.client.nacos.internal;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One attempt of a Nacos request on one server over the JDK {@link HttpClient} (HTTP/1.1): builds the
 * HTTP request (URL, query string, url-encoded form, {@code User-Agent}) and reads the answer. Which
 * server, how long, and what an answer means is {@link Attempts}' business. Thread-safe.
 *
 * <p>Every request carries {@code User-Agent: Nacos-Java-Client:v2.5.1 mse-client/<version>}: a Nacos
 * server pushes instance lists over UDP only to agents that start with {@code Nacos-Java-Client:v}.
 */
final class NacosHttp {

  static final String USER_AGENT = "Nacos-Java-Client:v2.5.1 mse-client/0.1.0";
  static final String FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=UTF-8";

  private final HttpClient client;
  private final String contextPath;

  /**
   * @param client the client to send with ({@link NacosHttpClients})
   * @param contextPath the servers' context path, e.g. {@code /nacos}
   */
  NacosHttp(HttpClient client, String contextPath) {
    this.client = client;
    this.contextPath = contextPath;
  }

  /**
   * Starts one attempt of {@code request} on {@code server}, its HTTP timeout {@code budgetNanos}
   * (which stops counting once the headers arrived: the caller bounds the whole exchange, see
   * {@link Exchange#timeOut}).
   */
  Exchange start(String server, NacosRequest request, long budgetNanos) {
    return new Exchange(server, request, budgetNanos);
  }

  /**
   * One attempt in flight. Its {@link #answer} is completed from the body subscriber, on the
   * client's selector thread: {@code sendAsync}'s own future completes only after a detour through
   * the JDK's default executor (a thread start per answer on small hosts), which would add to every
   * answer's latency and to the client's threads.
   */
  final class Exchange {
    /** The answer, or the failure of the attempt (a connect error, a reset, {@link #timeOut}). */
    final CompletableFuture<NacosResponse> answer = new CompletableFuture<>();
    /** The JDK's exchange; cancelling it closes the connection. */
    final CompletableFuture<HttpResponse<String>> call;
    private final long budgetNanos;

    private Exchange(String server, NacosRequest request, long budgetNanos) {
      this.budgetNanos = budgetNanos;
      HttpResponse.BodyHandler<String> handler = info -> {
        HttpResponse.BodySubscriber<String> body = HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
        body.getBody().thenAccept(text -> answer.complete(new NacosResponse(info.statusCode(), text == null ? "" : text,
            server, name -> info.headers().firstValue(name).orElse(null))));
        return body;
      };
      this.call = client.sendAsync(httpRequest(server, request, budgetNanos), handler);
      call.whenComplete((response, failure) -> {
        if (failure != null) {
          answer.completeExceptionally(failure);
        } else if (!answer.isDone()) {
          answer.complete(new NacosResponse(response.statusCode(), response.body() == null ? "" : response.body(),
              server, name -> response.headers().firstValue(name).orElse(null)));
        }
      });
    }

    /**
     * Ends the attempt as timed out unless it ended already: its answer fails with an
     * {@link HttpTimeoutException} and its connection is closed.
     */
    void timeOut() {
      if (answer.completeExceptionally(new HttpTimeoutException(timedOut(budgetNanos)))) {
        call.cancel(true);
      }
    }

    /** Closes the connection of the attempt (the request was cancelled). */
    void cancel() {
      call.cancel(true);
    }
  }

  /** The fault of an attempt that had no whole answer within {@code budgetNanos}. */
  static String timedOut(long budgetNanos) {
    return "no whole answer within " + TimeUnit.NANOSECONDS.toMillis(budgetNanos) + " ms";
  }

  private HttpRequest httpRequest(String server, NacosRequest request, long budgetNanos) {
    StringBuilder url = new StringBuilder(server).append(contextPath).append(request.path());
    if (!request.query().isEmpty()) {
      url.append('?').append(encode(request.query()));
    }
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url.toString()))
        .timeout(Duration.ofNanos(Math.max(1_000_000, budgetNanos)))
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
}
