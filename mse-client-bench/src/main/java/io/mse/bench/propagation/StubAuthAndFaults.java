package io.mse.bench.propagation;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@link StubNacosServer} adds for tests that need a server's auth and faults: a login
 * ({@code POST /nacos/v1/auth/login}, any credentials, tokens of a chosen time to live), requests
 * without a live token answered {@code 403 token invalid!} as Nacos 2.x does, the next signed request
 * refused once whatever its token ({@link #refuseNextToken()}), and the next requests answered
 * {@code 503} ({@link #failNext(int)}). Off until {@link #tokenTtl(Duration)} or a fault is asked for.
 * Thread-safe.
 */
final class StubAuthAndFaults extends Filter {

  private final Map<String, Long> tokenExpiry = new ConcurrentHashMap<>();
  private final AtomicLong tokens = new AtomicLong();
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicBoolean refuseNext = new AtomicBoolean();
  private volatile Duration ttl;

  /** Turns auth on: logins issue tokens that live {@code ttl} (whole seconds, at least 1). */
  void tokenTtl(Duration ttl) {
    this.ttl = ttl;
  }

  void refuseNextToken() {
    refuseNext.set(true);
  }

  void failNext(int requests) {
    failures.set(requests);
  }

  long logins() {
    return tokens.get();
  }

  @Override
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      send(exchange, 503, "server is too busy");
      return;
    }
    Duration live = ttl;
    if (live != null) {
      String token = exchange.getRequestHeaders().getFirst("accessToken");
      Long expiry = token == null ? null : tokenExpiry.get(token);
      if (expiry == null || expiry < System.currentTimeMillis() || (token != null && refuseNext.getAndSet(false))) {
        if (token != null) {
          tokenExpiry.remove(token);
        }
        send(exchange, 403, "token invalid!");
        return;
      }
    }
    chain.doFilter(exchange);
  }

  /** {@code POST /nacos/v1/auth/login}: a fresh token for any credentials. */
  void login(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().readAllBytes();
    Duration live = ttl == null ? Duration.ofHours(5) : ttl;
    String token = "stub-token-" + tokens.incrementAndGet();
    tokenExpiry.put(token, System.currentTimeMillis() + live.toMillis());
    send(exchange, 200, "{\"accessToken\":\"" + token + "\",\"tokenTtl\":" + Math.max(1, live.toSeconds())
        + ",\"globalAdmin\":false}");
  }

  @Override
  public String description() {
    return "stub auth and faults";
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getRequestBody().readAllBytes();
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
