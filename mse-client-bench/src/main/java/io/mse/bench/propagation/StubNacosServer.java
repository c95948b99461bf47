package io.mse.bench.propagation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mse.client.spi.Md5;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal Nacos-compatible server on loopback for the propagation harness: just enough of the v1
 * open API (config get/publish/remove, long polling that answers at once on a change, instance
 * register/deregister/beat/list, UDP push with no delay) to measure what the client itself adds.
 * Behaviour follows {@code shared/nacos/PROTOCOL.md}. Not a test double for correctness: no
 * persistence, one namespace model; auth (a login, tokens of a chosen life), answers of 503 and a
 * second port serving the same state (a two-server address) only when a test asks for them, and
 * crafted push datagrams ({@link #pushRaw}) for tests of what the client ignores.
 */
public final class StubNacosServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer http;
  private final StubAuthAndFaults guard = new StubAuthAndFaults();
  private HttpServer second;
  private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "stub-nacos");
    t.setDaemon(true);
    return t;
  });
  private final DatagramSocket udp;
  private final Map<String, String> configs = new ConcurrentHashMap<>();
  private final Map<String, Map<String, ObjectNode>> services = new ConcurrentHashMap<>();
  private final Map<String, Set<InetSocketAddress>> pushTargets = new ConcurrentHashMap<>();
  private final AtomicLong pushIds = new AtomicLong(System.currentTimeMillis());
  private final java.util.concurrent.atomic.AtomicInteger pollsInFlight = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger maxPollsInFlight = new java.util.concurrent.atomic.AtomicInteger();
  private final AtomicLong polls = new AtomicLong();
  private final Object changed = new Object();

  public StubNacosServer() throws IOException {
    // Like Tomcat (a real Nacos): no Nagle delay. Without it each answer written in two parts waits
    // ~40 ms for the client's delayed ACK, which would be measured as the client's latency.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    serve(http);
    udp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
  }

  private void serve(HttpServer server) {
    server.setExecutor(workers);
    server.createContext("/nacos/v1/cs/configs", this::configs).getFilters().add(guard);
    server.createContext("/nacos/v1/ns/instance", this::instances).getFilters().add(guard);
    server.createContext("/nacos/v1/auth/login", guard::login);
    server.createContext("/stub/stats", this::stats);
    server.start();
  }

  /**
   * Returns {@code 127.0.0.1:<port>,127.0.0.1:<port2>}: this server and a second port serving the same
   * state, opened on the first call, so that a client sees two servers to fail over between.
   */
  public synchronized String twoServerAddress() throws IOException {
    if (second == null) {
      second = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
      serve(second);
    }
    return address() + ",127.0.0.1:" + second.getAddress().getPort();
  }

  /** Turns auth on: requests need a token from a login, which lives {@code ttl} (whole seconds). */
  public void tokenTtl(java.time.Duration ttl) {
    guard.tokenTtl(ttl);
  }

  /** Answers the next signed request {@code 403 token invalid!} whatever its token. */
  public void refuseNextToken() {
    guard.refuseNextToken();
  }

  /** Answers the next {@code requests} config and instance requests {@code 503}, on either port. */
  public void failNext(int requests) {
    guard.failNext(requests);
  }

  /** Returns the logins answered. */
  public long logins() {
    return guard.logins();
  }

  /**
   * Sends {@code datagram} as it is to every client that subscribed to {@code groupedService}
   * ({@code group@@service}) with a push port; returns how many it was sent to.
   */
  public int pushRaw(String groupedService, byte[] datagram) throws IOException {
    Set<InetSocketAddress> targets = pushTargets.getOrDefault(groupedService, Set.of());
    for (InetSocketAddress target : targets) {
      udp.send(new DatagramPacket(datagram, datagram.length, target));
    }
    return targets.size();
  }

  /**
   * As {@link #pushRaw}, but sent from a socket of its own bound to {@code source} (such as
   * {@code 127.0.0.2}, another loopback address): a datagram from a host that is not this server.
   */
  public int pushRawFrom(InetAddress source, String groupedService, byte[] datagram) throws IOException {
    Set<InetSocketAddress> targets = pushTargets.getOrDefault(groupedService, Set.of());
    try (DatagramSocket stranger = new DatagramSocket(0, source)) {
      for (InetSocketAddress target : targets) {
        stranger.send(new DatagramPacket(datagram, datagram.length, target));
      }
    }
    return targets.size();
  }

  /** Returns {@code 127.0.0.1:<port>}. */
  public String address() {
    return "127.0.0.1:" + http.getAddress().getPort();
  }

  private void configs(HttpExchange exchange) throws IOException {
    Map<String, String> params = params(exchange);
    String path = exchange.getRequestURI().getPath();
    if (path.endsWith("/listener")) {
      listen(exchange, params);
      return;
    }
    String key = params.get("dataId") + "\u0002" + group(params) + "\u0002" + params.getOrDefault("tenant", "");
    switch (exchange.getRequestMethod()) {
      case "GET" -> {
        String content = configs.get(key);
        if (content == null) {
          send(exchange, 404, "config data not exist");
        } else {
          send(exchange, 200, content);
        }
      }
      case "POST" -> {
        configs.put(key, params.get("content"));
        signal();
        send(exchange, 200, "true");
      }
      case "DELETE" -> {
        configs.remove(key);
        signal();
        send(exchange, 200, "true");
      }
      default -> send(exchange, 405, "");
    }
  }

  private void listen(HttpExchange exchange, Map<String, String> params) throws IOException {
    String listening = params.get("Listening-Configs");
    if (listening == null) {
      send(exchange, 400, "no Listening-Configs");
      return;
    }
    boolean noHangup = "true".equals(exchange.getRequestHeaders().getFirst("Long-Pulling-Timeout-No-Hangup"));
    String timeoutHeader = exchange.getRequestHeaders().getFirst("Long-Pulling-Timeout");
    long hold = timeoutHeader == null ? 0 : Math.max(0, Long.parseLong(timeoutHeader) - 500);
    long deadline = System.currentTimeMillis() + hold;
    String answer;
    polls.incrementAndGet();
    maxPollsInFlight.accumulateAndGet(pollsInFlight.incrementAndGet(), Math::max);
    try {
      answer = awaitChange(listening, noHangup, deadline);
    } finally {
      pollsInFlight.decrementAndGet();
    }
    send(exchange, 200, answer.isEmpty() ? "" : URLEncoder.encode(answer, StandardCharsets.UTF_8) + "\n");
  }

  /** Holds like a real server: answers at once on a difference, else when a change comes or the hold ends. */
  private String awaitChange(String listening, boolean noHangup, long deadline) {
    String answer;
    synchronized (changed) {
      answer = changedKeys(listening);
      while (answer.isEmpty() && !noHangup && System.currentTimeMillis() < deadline) {
        try {
          changed.wait(Math.max(1, deadline - System.currentTimeMillis()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        answer = changedKeys(listening);
      }
    }
    return answer;
  }

  /**
   * {@code GET /stub/stats[?reset=true]}: {@code <polls held now> <most held at once> <polls received>};
   * reset starts the "most held" count again from the polls held now.
   */
  private void stats(HttpExchange exchange) throws IOException {
    String answer = pollsInFlight() + " " + maxPollsInFlight() + " " + polls();
    if ("reset=true".equals(exchange.getRequestURI().getQuery())) {
      maxPollsInFlight.set(pollsInFlight.get());
    }
    send(exchange, 200, answer);
  }

  /** Returns the long polls held right now. */
  public int pollsInFlight() {
    return pollsInFlight.get();
  }

  /** Returns the most long polls ever held at once. */
  public int maxPollsInFlight() {
    return maxPollsInFlight.get();
  }

  /** Returns the number of long polls received. */
  public long polls() {
    return polls.get();
  }

  /** Stores a config directly (no request), for set-ups of many keys. */
  public void putConfig(String dataId, String group, String content) {
    configs.put(dataId + "\u0002" + group + "\u0002", content);
    signal();
  }

  private String changedKeys(String listening) {
    StringBuilder out = new StringBuilder();
    for (String entry : listening.split("\u0001")) {
      if (entry.isEmpty()) {
        continue;
      }
      String[] f = entry.split("\u0002", -1);
      String tenant = f.length > 3 ? f[3] : "";
      String key = f[0] + "\u0002" + f[1] + "\u0002" + tenant;
      if (!Md5.of(configs.get(key)).equals(f[2])) {
        out.append(f[0]).append('\u0002').append(f[1]);
        if (!tenant.isEmpty()) {
          out.append('\u0002').append(tenant);
        }
        out.append('\u0001');
      }
    }
    return out.toString();
  }

  private void signal() {
    synchronized (changed) {
      changed.notifyAll();
    }
  }

  private void instances(HttpExchange exchange) throws IOException {
    Map<String, String> params = params(exchange);
    String path = exchange.getRequestURI().getPath();
    String service = serviceName(params);
    if (path.endsWith("/beat")) {
      send(exchange, 200, "{\"clientBeatInterval\":5000,\"code\":10200,\"lightBeatEnabled\":true}");
      return;
    }
    if (path.endsWith("/list")) {
      if (params.containsKey("udpPort") && !"0".equals(params.get("udpPort"))) {
        pushTargets.computeIfAbsent(service, s -> ConcurrentHashMap.newKeySet())
            .add(new InetSocketAddress(params.getOrDefault("clientIP", "127.0.0.1"), Integer.parseInt(params.get("udpPort"))));
      }
      send(exchange, 200, list(service).toString());
      return;
    }
    String id = params.get("ip") + "#" + params.get("port") + "#" + params.getOrDefault("clusterName", "DEFAULT")
        + "#" + service;
    switch (exchange.getRequestMethod()) {
      case "POST", "PUT" -> {
        ObjectNode host = JSON.createObjectNode();
        host.put("instanceId", id);
        host.put("ip", params.get("ip"));
        host.put("port", Integer.parseInt(params.get("port")));
        host.put("weight", Double.parseDouble(params.getOrDefault("weight", "1.0")));
        host.put("healthy", Boolean.parseBoolean(params.getOrDefault("healthy", "true")));
        host.put("enabled", Boolean.parseBoolean(params.getOrDefault("enabled", "true")));
        host.put("ephemeral", Boolean.parseBoolean(params.getOrDefault("ephemeral", "true")));
        host.put("clusterName", params.getOrDefault("clusterName", "DEFAULT"));
        host.put("serviceName", service);
        host.set("metadata", params.containsKey("metadata") ? JSON.readTree(params.get("metadata")) : JSON.createObjectNode());
        services.computeIfAbsent(service, s -> new ConcurrentHashMap<>()).put(id, host);
      }
      case "DELETE" -> services.getOrDefault(service, Map.of()).remove(id);
      default -> {
        send(exchange, 405, "");
        return;
      }
    }
    push(service);
    send(exchange, 200, "ok");
  }

  private ObjectNode list(String service) {
    ObjectNode list = JSON.createObjectNode();
    list.put("name", service);
    list.put("groupName", service.substring(0, service.indexOf("@@")));
    list.put("clusters", "");
    list.put("cacheMillis", 10000);
    ArrayNode hosts = list.putArray("hosts");
    services.getOrDefault(service, Map.of()).values().forEach(hosts::add);
    list.put("lastRefTime", System.currentTimeMillis());
    list.put("checksum", "");
    list.put("allIPs", false);
    list.put("reachProtectionThreshold", false);
    list.put("valid", true);
    return list;
  }

  private void push(String service) throws IOException {
    Set<InetSocketAddress> targets = pushTargets.getOrDefault(service, Set.of());
    if (targets.isEmpty()) {
      return;
    }
    ObjectNode message = JSON.createObjectNode();
    message.put("type", "dom");
    message.put("data", list(service).toString());
    message.put("lastRefTime", pushIds.incrementAndGet());
    byte[] bytes = message.toString().getBytes(StandardCharsets.UTF_8);
    for (InetSocketAddress target : targets) {
      udp.send(new DatagramPacket(bytes, bytes.length, target));
    }
  }

  private static String serviceName(Map<String, String> params) {
    String name = params.getOrDefault("serviceName", "");
    return name.contains("@@") ? name : group(params) + "@@" + name;
  }

  private static String group(Map<String, String> params) {
    String group = params.get(params.containsKey("groupName") ? "groupName" : "group");
    return group == null || group.isBlank() ? "DEFAULT_GROUP" : group;
  }

  private static Map<String, String> params(HttpExchange exchange) throws IOException {
    Map<String, String> params = new HashMap<>();
    parse(exchange.getRequestURI().getRawQuery(), params);
    byte[] body = exchange.getRequestBody().readAllBytes();
    if (body.length > 0) {
      parse(new String(body, StandardCharsets.UTF_8), params);
    }
    return params;
  }

  private static void parse(String encoded, Map<String, String> into) {
    if (encoded == null || encoded.isEmpty()) {
      return;
    }
    for (String pair : encoded.split("&")) {
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      into.put(name, value);
    }
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Lists the services known, for checks. */
  List<String> services() {
    return new ArrayList<>(services.keySet());
  }

  @Override
  public void close() {
    http.stop(0);
    synchronized (this) {
      if (second != null) {
        second.stop(0);
      }
    }
    udp.close();
    workers.shutdownNow();
  }
}
