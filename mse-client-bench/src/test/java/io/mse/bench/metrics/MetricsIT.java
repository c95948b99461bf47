package io.mse.bench.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mse.bench.propagation.StubNacosServer;
import io.mse.client.ClientStats;
import io.mse.client.MisconfigurationException;
import io.mse.client.MseClient;
import io.mse.client.ServerUnavailableException;
import io.mse.client.governance.BulkheadFullException;
import io.mse.client.governance.CallTimeoutException;
import io.mse.client.governance.CircuitOpenException;
import io.mse.client.governance.Decision;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernedRequest;
import io.mse.client.governance.RateLimitedException;
import io.mse.client.metrics.MseClientMetrics;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NoInstanceAvailableException;
import io.mse.examples.quickstart.Quickstart;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics table of {@code docs/metrics.md} is real: a {@link SimpleMeterRegistry} is bound to
 * every client of the quickstart, run against the loopback Nacos stub with auth on and two ports (a
 * two-server address), and to a client of its own that drives what the quickstart does not
 * (failovers, a refused and expiring tokens, crafted pushes, timeouts, retries, a breaker through its
 * three states, no instance), then to a client started with the server gone (snapshot reads). A
 * sampler reads every meter every 10 ms; at the end every meter of the table, and every value of its
 * enumerated tags, must have read above 0, and every meter registered must be in the table.
 */
class MetricsIT {

  static final Path METRICS_MD = Path.of("..", "docs", "metrics.md");
  static final String SERVICE = "metrics-service";
  static final String GROUPED = "DEFAULT_GROUP@@" + SERVICE;

  @TempDir
  Path snapshots;

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  /** The highest value each series read, over the whole run. */
  final Map<Meter.Id, Double> highest = new ConcurrentHashMap<>();
  final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "metrics-sampler");
    t.setDaemon(true);
    return t;
  });

  @BeforeEach
  void sample() {
    sampler.scheduleWithFixedDelay(this::sampleOnce, 0, 10, TimeUnit.MILLISECONDS);
  }

  @AfterEach
  void stop() {
    sampler.shutdownNow();
  }

  void sampleOnce() {
    for (Meter meter : registry.getMeters()) {
      double value = 0;
      for (Measurement m : meter.measure()) {
        if (!Double.isNaN(m.getValue())) {
          value = Math.max(value, m.getValue());
        }
      }
      highest.merge(meter.getId(), value, Math::max);
    }
  }

  /** The highest reading of the series of {@code name} with tag {@code key=value} (any when key is null). */
  double highest(String name, String key, String value) {
    return highest.entrySet().stream()
        .filter(e -> e.getKey().getName().equals(name) && (key == null || value.equals(e.getKey().getTag(key))))
        .mapToDouble(Map.Entry::getValue).max().orElse(-1);
  }

  void awaitHighest(String name, String key, String value) {
    await().atMost(Duration.ofSeconds(20)).until(() -> highest(name, key, value) > 0);
  }

  @Test
  void everyDocumentedMeterMovesUnderTheQuickstartAndRealTraffic() throws Exception {
    List<DocumentedMeters> table = DocumentedMeters.read(METRICS_MD);
    assertThat(table).hasSizeGreaterThanOrEqualTo(19);
    assertThat(table).filteredOn(row -> row.name().equals("mse.client.push.ignored")).singleElement()
        .satisfies(row -> assertThat(row.tagValues().get("reason")).hasSize(7));
    assertThat(table).filteredOn(row -> row.name().equals("mse.governance.decisions")).singleElement()
        .satisfies(row -> assertThat(row.tagValues().get("outcome")).hasSize(5));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String address;
    MseClient provider = null;
    try (StubNacosServer stub = new StubNacosServer()) {
      stub.tokenTtl(Duration.ofSeconds(3));
      address = stub.twoServerAddress();

      new Quickstart(address, "nacos", "nacos", null, new PrintStream(out, true, StandardCharsets.UTF_8))
          .onClient(client -> new MseClientMetrics(client).bindTo(registry))
          .run();
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("4 refused with BulkheadFullException").contains("done:");

      // The provider of metrics-service stays registered until the server is gone, so that the
      // subscriber's snapshot keeps both instances.
      provider = MseClient.builder().serverAddr(address).credentials("nacos", "nacos")
          .snapshotDir(Files.createTempDirectory(snapshots, "provider")).build();
      provider.naming().registerInstance(SERVICE, "DEFAULT_GROUP", Instance.of("127.0.0.1", 1));
      provider.naming().registerInstance(SERVICE, "DEFAULT_GROUP", Instance.of("127.0.0.1", 2));
      try (MseClient client = MseClient.builder().serverAddr(address).credentials("nacos", "nacos")
          .applicationName("metrics-it").snapshotDir(snapshots).build()) {
        new MseClientMetrics(client).bindTo(registry);
        serverTraffic(stub, client);
        pushes(stub, client);
        governance(client);
      }
      assertThat(stub.logins()).isPositive();
    } finally {
      if (provider != null) {
        provider.close();   // the server is gone: its deregistration fails, which is logged
      }
    }

    // The server is gone: a client started now serves what the last one read from the snapshots.
    try (MseClient offline = MseClient.builder().serverAddr(address).credentials("nacos", "nacos")
        .applicationName("offline").snapshotDir(snapshots).requestTimeout(Duration.ofSeconds(1)).build()) {
      new MseClientMetrics(offline).bindTo(registry);
      assertThat(offline.config().getConfig("metrics-it.properties", "DEFAULT_GROUP")).isEqualTo("k=2");
      assertThat(offline.naming().getAllInstances(SERVICE, "DEFAULT_GROUP")).hasSize(2);
      assertThat(offline.stats().configSnapshotReads()).isEqualTo(1);
      assertThat(offline.stats().serviceSnapshotReads()).isEqualTo(1);
    }
    sampler.shutdown();
    assertThat(sampler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    sampleOnce();

    Set<String> stillAtZero = new TreeSet<>();
    for (DocumentedMeters row : table) {
      if (row.tagValues().isEmpty() && highest(row.name(), null, null) <= 0) {
        stillAtZero.add(row.name());
      }
      row.tagValues().forEach((key, values) -> values.forEach(value -> {
        if (highest(row.name(), key, value) <= 0) {
          stillAtZero.add(row.name() + "{" + key + "=" + value + "}");
        }
      }));
    }
    assertThat(stillAtZero).as("documented meters that never moved").isEmpty();
    Set<String> registered = registry.getMeters().stream().map(m -> m.getId().getName())
        .filter(n -> n.startsWith("mse.")).collect(Collectors.toCollection(TreeSet::new));
    assertThat(registered).as("every meter registered is documented")
        .isEqualTo(table.stream().map(DocumentedMeters::name).collect(Collectors.toCollection(TreeSet::new)));
  }

  /** Failovers, requests by outcome, token renewals of both kinds, a listened config. */
  private void serverTraffic(StubNacosServer stub, MseClient client) throws Exception {
    ClientStats stats = client.stats();
    client.config().publishConfig("metrics-it.properties", "DEFAULT_GROUP", "k=1");
    client.config().addListener("metrics-it.properties", "DEFAULT_GROUP", event -> { });
    client.config().publishConfig("metrics-it.properties", "DEFAULT_GROUP", "k=2");
    assertThat(client.config().getConfig("absent.properties", "DEFAULT_GROUP")).isNull();   // a 404: error_status

    // One 503: the request moves on to the other port (another client's request may take the 503 first).
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
      stub.failNext(1);
      client.config().getConfig("absent.properties", "DEFAULT_GROUP");
      return stats.serverFailovers() > 0;
    });

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {   // both ports 503: no server answers
      stub.failNext(2);
      assertThatThrownBy(() -> client.config().publishConfig("metrics-it.other", "DEFAULT_GROUP", "x"))
          .isInstanceOf(ServerUnavailableException.class);
    });
    stub.failNext(0);

    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
      stub.refuseNextToken();                           // 403 token invalid!: one new login, the request again
      client.config().getConfig("absent.properties", "DEFAULT_GROUP");
      return stats.tokenRenewals(ClientStats.TokenRenewal.REFUSED) > 0;
    });
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
      client.config().getConfig("absent.properties", "DEFAULT_GROUP");   // tokens live 3 s: refreshed past 2.7 s
      return stats.tokenRenewals(ClientStats.TokenRenewal.EXPIRING) > 0;
    });
    awaitHighest("mse.client.long.polls", null, null);

    // https:// to a port that answers in plain text: a MisconfigurationException at once, counted as misconfigured.
    try (PlainTextPort plain = new PlainTextPort();
         MseClient misconfigured = MseClient.builder().serverAddr("https://127.0.0.1:" + plain.port())
             .applicationName("misconfigured").requestTimeout(Duration.ofSeconds(10))
             .snapshotDir(Files.createTempDirectory(snapshots, "misconfigured")).build()) {
      new MseClientMetrics(misconfigured).bindTo(registry);
      assertThatThrownBy(() -> misconfigured.config().getConfig("metrics-it.properties", "DEFAULT_GROUP"))
          .isInstanceOf(MisconfigurationException.class);
      assertThat(misconfigured.stats().requests(ClientStats.RequestOutcome.MISCONFIGURED)).isPositive();
      awaitHighest("mse.client.requests", "outcome", "misconfigured");
    }
  }

  /** A loopback port that answers every connection with a plain-text HTTP 400 and closes it. */
  private static final class PlainTextPort implements AutoCloseable {
    private final java.net.ServerSocket socket = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress());

    PlainTextPort() throws java.io.IOException {
      Thread acceptor = new Thread(() -> {
        while (!socket.isClosed()) {
          try (java.net.Socket connection = socket.accept()) {
            connection.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
          } catch (java.io.IOException closed) {
            // the socket was closed, or the client went away
          }
        }
      }, "plain-text-port");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    @Override
    public void close() throws java.io.IOException {
      socket.close();
    }
  }

  /** Subscribes to the provider's service and sends crafted datagrams to the client's push port. */
  private void pushes(StubNacosServer stub, MseClient client) throws Exception {
    client.naming().subscribe(SERVICE, "DEFAULT_GROUP", event -> { });
    await().atMost(Duration.ofSeconds(10)).until(() -> client.naming().getAllInstances(SERVICE, "DEFAULT_GROUP").size() == 2);
    String host = "{\"ip\":\"127.0.0.1\",\"port\":1,\"weight\":1.0,\"healthy\":true,\"enabled\":true,"
        + "\"ephemeral\":true,\"clusterName\":\"DEFAULT\",\"metadata\":{}}";
    Map<ClientStats.PushIgnored, String> datagrams = Map.of(
        ClientStats.PushIgnored.UNDECODABLE, "not a push",
        ClientStats.PushIgnored.UNKNOWN_TYPE, "{\"type\":\"metrics-it\",\"lastRefTime\":1,\"data\":\"\"}",
        ClientStats.PushIgnored.NOT_A_LIST, push("not a list"),
        ClientStats.PushIgnored.NOT_FOLLOWED, push(list("DEFAULT_GROUP@@nobody-follows", "[" + host + "]", 1, true)),
        ClientStats.PushIgnored.UNUSABLE, push(list(GROUPED, "[" + host + "]", Long.MAX_VALUE - 1, false)),
        ClientStats.PushIgnored.STALE, push(list(GROUPED, "[" + host + "]", 1, true)));
    for (Map.Entry<ClientStats.PushIgnored, String> datagram : datagrams.entrySet()) {
      assertThat(stub.pushRaw(GROUPED, datagram.getValue().getBytes(StandardCharsets.UTF_8))).isPositive();
      await(datagram.getKey().toString()).atMost(Duration.ofSeconds(10))
          .until(() -> client.stats().pushesIgnored(datagram.getKey()) > 0);
    }
    assertThat(client.stats().pushesAcked()).isPositive();
    // From 127.0.0.2, another loopback address, which is not one of the client's servers.
    assertThat(stub.pushRawFrom(InetAddress.getByName("127.0.0.2"), GROUPED,
        push(list(GROUPED, "[" + host + "]", 2, true)).getBytes(StandardCharsets.UTF_8))).isPositive();
    await("NOT_FROM_SERVER").atMost(Duration.ofSeconds(10))
        .until(() -> client.stats().pushesIgnored(ClientStats.PushIgnored.NOT_FROM_SERVER) > 0);
  }

  private static String list(String name, String hosts, long lastRefTime, boolean valid) {
    return "{\"name\":\"" + name + "\",\"hosts\":" + hosts + ",\"cacheMillis\":10000,\"lastRefTime\":" + lastRefTime
        + ",\"valid\":" + valid + "}";
  }

  private static String push(String data) {
    return "{\"type\":\"dom\",\"lastRefTime\":" + System.nanoTime() + ",\"data\":\""
        + data.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
  }

  /** Every outcome of a governed call, and a circuit breaker through closed, open and half-open. */
  private void governance(MseClient client) throws Exception {
    client.config().publishConfig("metrics-it.governance.json", Governance.RULES_GROUP, """
        {"version": 1,
         "timeouts": [{"resource": "slow", "timeout": "100ms"}],
         "retries": [{"resource": "slow", "maxAttempts": 2, "budgetPercent": 0, "minRetries": 1}],
         "bulkheads": [{"resource": "bulk", "maxConcurrentCalls": 1}],
         "rateLimits": [{"resource": "limited", "permitsPerSecond": 1}],
         "circuitBreakers": [{"resource": "fragile", "minimumNumberOfCalls": 1, "slidingWindowSize": 1,
                              "waitDurationInOpenState": "1s", "permittedNumberOfCallsInHalfOpenState": 1}]}
        """, "json");
    Governance governance = client.governance();
    await().atMost(Duration.ofSeconds(10)).until(() -> governance.rules().bulkheads().size() == 1);

    GovernedRequest slow = request("slow");
    for (int i = 0; i < 2; i++) {   // times out; the first call's retry is made, the second's refused by the budget
      assertThatThrownBy(() -> governance.callCancellable(slow, instance -> new CompletableFuture<String>()))
          .isInstanceOf(CallTimeoutException.class);
    }
    GovernedRequest bulk = request("bulk");
    Decision held = governance.decide(bulk);
    assertThatThrownBy(() -> governance.decide(bulk)).isInstanceOf(BulkheadFullException.class);
    held.onSuccess();
    GovernedRequest limited = request("limited");
    governance.decide(limited).onSuccess();
    assertThatThrownBy(() -> governance.decide(limited)).isInstanceOf(RateLimitedException.class);
    assertThatThrownBy(() -> governance.decide(GovernedRequest.of("nobody-serves-this")))
        .isInstanceOf(NoInstanceAvailableException.class);

    GovernedRequest fragile = request("fragile");
    governance.decide(fragile).onSuccess();
    awaitHighest("mse.governance.circuit.state", "state", "closed");
    governance.decide(fragile).onError(new IllegalStateException("opens the circuit"));
    assertThatThrownBy(() -> governance.decide(fragile)).isInstanceOf(CircuitOpenException.class);
    awaitHighest("mse.governance.circuit.state", "state", "open");
    Decision probe = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .ignoreException(CircuitOpenException.class).until(() -> governance.decide(fragile), d -> true);
    awaitHighest("mse.governance.circuit.state", "state", "half_open");
    probe.onSuccess();
  }

  private static GovernedRequest request(String resource) {
    return GovernedRequest.builder(SERVICE).resource(resource).build();
  }
}
