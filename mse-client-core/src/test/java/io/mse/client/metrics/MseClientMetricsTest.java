package io.mse.client.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mse.client.MseClient;
import io.mse.client.config.ConfigListener;
import io.mse.client.governance.BulkheadFullException;
import io.mse.client.governance.Decision;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernanceStats;
import io.mse.client.governance.GovernedRequest;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NoInstanceAvailableException;
import io.mse.client.testing.FakeEngine;
import io.mse.client.testing.FakeEngineProvider;
import io.mse.client.testing.FakeTicker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MseClientMetrics} over a client on the fake engine: the meters exist with their tags, read
 * the client's and its governance's live counts, and meters of resources and services called after
 * binding are registered when they are first called. (Every documented meter moving under real
 * traffic, Nacos engine included, is {@code MetricsIT} in mse-client-bench.)
 */
class MseClientMetricsTest {

  static final String SERVICE = "inventory-service";
  static final String RULES = "order-service.governance.json";

  @TempDir
  Path snapshots;

  final FakeTicker ticker = new FakeTicker();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  MseClient client;
  FakeEngine engine;

  @BeforeEach
  void start() {
    client = MseClient.builder().serverAddr("fake://metrics").namespace("dev").applicationName("order-service")
        .snapshotDir(snapshots).ticker(ticker).build();
    engine = FakeEngineProvider.engine("metrics");
    client.naming().registerInstance(SERVICE, "DEFAULT_GROUP",
        Instance.builder().ip("10.0.0.1").port(8080).metadata("version", "v1").build());
    client.naming().registerInstance(SERVICE, "DEFAULT_GROUP",
        Instance.builder().ip("10.0.0.2").port(8080).metadata("version", "v2").build());
  }

  @AfterEach
  void stop() {
    client.close();
  }

  double value(String name, String... tags) {
    Meter meter = registry.find(name).tags(tags).meter();
    assertThat(meter).as("meter %s %s", name, java.util.Arrays.toString(tags)).isNotNull();
    return meter.measure().iterator().next().getValue();
  }

  @Test
  void clientMetersReadTheClientsCounts() {
    new MseClientMetrics(client, Tags.of("team", "orders")).bindTo(registry);
    int governanceKeys = (int) value("mse.client.configs.listened");   // the rule documents listened to

    ConfigListener listener = event -> { };
    client.config().publishConfig("a.properties", "DEFAULT_GROUP", "k=1");
    client.config().getConfigAndAddListener("a.properties", "DEFAULT_GROUP", Duration.ofSeconds(3), listener);
    client.config().publishConfig("a.properties", "DEFAULT_GROUP", "k=2");
    client.naming().subscribe(SERVICE, "DEFAULT_GROUP", event -> { });
    client.naming().registerInstance(SERVICE, "DEFAULT_GROUP", Instance.of("10.0.0.3", 8080));

    assertThat(value("mse.client.configs.listened")).isEqualTo(governanceKeys + 1);
    assertThat(value("mse.client.services.subscribed")).isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(value("mse.client.changes.delivered", "kind", "config")).isEqualTo(1);
      assertThat(value("mse.client.changes.delivered", "kind", "service")).isPositive();
    });

    client.config().publishConfig("b.properties", "DEFAULT_GROUP", "k=b");
    client.config().getConfig("b.properties", "DEFAULT_GROUP");   // read once: its snapshot is written
    await().atMost(Duration.ofSeconds(5)).until(() -> snapshotWritten("b.properties"));
    engine.down(true);
    assertThat(client.config().getConfig("b.properties", "DEFAULT_GROUP")).isEqualTo("k=b");
    assertThat(value("mse.client.snapshot.reads", "kind", "config")).isEqualTo(1);
    assertThat(value("mse.client.snapshot.reads", "kind", "service")).isZero();

    Meter requests = registry.find("mse.client.requests").tags("outcome", "ok").meter();
    assertThat(requests.getId().getTags()).extracting(t -> t.getKey() + "=" + t.getValue())
        .contains("namespace=dev", "server=fake://metrics", "application=order-service", "team=orders", "outcome=ok");
    for (String name : new String[] {"mse.client.push.received", "mse.client.push.acked", "mse.client.server.failovers",
        "mse.client.logins"}) {
      assertThat(value(name)).as(name + " (the fake engine has no such protocol)").isZero();
    }
    assertThat(registry.find("mse.client.push.ignored").meters()).hasSize(7);
    assertThat(registry.find("mse.client.requests").meters()).hasSize(4);
    assertThat(registry.find("mse.client.token.renewals").meters()).hasSize(2);
    assertThat(registry.get("mse.client.long.polls").functionTimer().count()).isZero();
  }

  private boolean snapshotWritten(String dataId) {
    try (var files = java.nio.file.Files.walk(snapshots)) {
      return files.anyMatch(p -> p.getFileName().toString().equals(dataId));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void governanceMetersCountEachOutcomeOfEachResource() throws Exception {
    client.config().publishConfig(RULES, Governance.RULES_GROUP, """
        {"version": 1,
         "routes": [{"service": "inventory-service", "match": {"headers": {"x-canary": "1"}},
                     "destinations": [{"subset": {"version": "v2"}, "weight": 100}]}],
         "outlierDetection": {"inventory-service": {"consecutiveErrors": 1, "maxEjectionPercent": 50}},
         "timeouts": [{"resource": "inventory-service", "timeout": "1s"}],
         "retries": [{"resource": "inventory-service", "maxAttempts": 2, "budgetPercent": 0, "minRetries": 1}],
         "bulkheads": [{"resource": "bulk", "maxConcurrentCalls": 1}],
         "rateLimits": [{"resource": "limited", "permitsPerSecond": 1}],
         "circuitBreakers": [{"resource": "fragile", "minimumNumberOfCalls": 1, "slidingWindowSize": 1}]}
        """, "json");
    Governance governance = client.governance();
    new MseClientMetrics(client).bindTo(registry);
    assertThat(governance.stats().observed()).isTrue();
    assertThat(registry.find("mse.governance.decisions").meters()).as("no resource called yet").isEmpty();

    // timed out, retried, timed out again: the call fails with a timeout
    GovernedRequest plain = GovernedRequest.of(SERVICE);
    assertThatThrownBy(() -> governance.call(plain, instance -> {
      ticker.advance(Duration.ofSeconds(2));
      return "late";
    })).isInstanceOf(io.mse.client.governance.CallTimeoutException.class);
    // a failure whose retry the budget (one retry per window) refuses
    assertThatThrownBy(() -> governance.call(plain, instance -> {
      throw new IllegalStateException("down");
    })).isInstanceOf(IllegalStateException.class);
    for (int i = 0; i < 2000; i++) {
      governance.decide(plain).onSuccess();
    }
    GovernedRequest canary = GovernedRequest.builder(SERVICE).header("x-canary", "1").build();
    governance.decide(canary).onSuccess();

    GovernedRequest bulk = GovernedRequest.builder(SERVICE).resource("bulk").build();
    Decision held = governance.decide(bulk);
    assertThatThrownBy(() -> governance.decide(bulk)).isInstanceOf(BulkheadFullException.class);
    held.release();
    GovernedRequest limited = GovernedRequest.builder(SERVICE).resource("limited").build();
    governance.decide(limited).onSuccess();
    assertThatThrownBy(() -> governance.decide(limited)).isInstanceOf(io.mse.client.governance.RateLimitedException.class);
    GovernedRequest fragile = GovernedRequest.builder(SERVICE).resource("fragile").build();
    governance.decide(fragile).onError(new IllegalStateException("opens the circuit"));
    assertThatThrownBy(() -> governance.decide(fragile)).isInstanceOf(io.mse.client.governance.CircuitOpenException.class);
    assertThatThrownBy(() -> governance.decide(GovernedRequest.of("empty-service")))
        .isInstanceOf(NoInstanceAvailableException.class);

    String r = "inventory-service";
    assertThat(value("mse.governance.decisions", "resource", r, "outcome", "allowed")).isEqualTo(2000 + 3 + 1);
    assertThat(value("mse.governance.attempts", "resource", r, "outcome", "timed_out")).isEqualTo(2);
    assertThat(value("mse.governance.attempts", "resource", r, "outcome", "failed")).isEqualTo(1);
    assertThat(value("mse.governance.attempts", "resource", r, "outcome", "succeeded")).isEqualTo(2001);
    assertThat(value("mse.governance.retries", "resource", r, "outcome", "retried")).isEqualTo(1);
    assertThat(value("mse.governance.retries", "resource", r, "outcome", "budget_exhausted")).isEqualTo(1);
    assertThat(value("mse.governance.decisions", "resource", "bulk", "outcome", "bulkhead_full")).isEqualTo(1);
    assertThat(value("mse.governance.decisions", "resource", "limited", "outcome", "rate_limited")).isEqualTo(1);
    assertThat(value("mse.governance.decisions", "resource", "fragile", "outcome", "circuit_open")).isEqualTo(1);
    assertThat(value("mse.governance.decisions", "resource", "empty-service", "outcome", "no_instance")).isEqualTo(1);
    assertThat(value("mse.governance.circuit.state", "resource", "fragile", "state", "open")).isEqualTo(1);
    assertThat(value("mse.governance.circuit.state", "resource", "fragile", "state", "closed")).isZero();
    assertThat(value("mse.governance.circuit.state", "resource", r, "state", "closed")).as("no breaker").isZero();

    // the v1 instance failed alone (the v2 one is a canary subset of one: never ejected at 50%)
    assertThat(value("mse.governance.ejected.instances", "group", "DEFAULT_GROUP", "service", SERVICE)).isEqualTo(1);
    assertThat(value("mse.governance.route.choices", "service", SERVICE, "subset", "version=v2")).isEqualTo(1);
    assertThat(value("mse.governance.route.choices", "service", SERVICE, "subset", "*")).isGreaterThanOrEqualTo(2000);
    FunctionTimer decisions = registry.get("mse.governance.decision.duration").functionTimer();
    assertThat(decisions.count()).as("about 1 in 64 of ~2000 decisions").isBetween(5.0, 120.0);
    assertThat(decisions.totalTime(TimeUnit.NANOSECONDS)).isZero();   // the fake ticker stands still
    assertThat(registry.get("mse.governance.decisions").tag("resource", r).tag("outcome", "allowed").meter().getId()
        .getTags()).extracting(t -> t.getKey()).containsExactlyInAnyOrder("namespace", "server", "application", "resource", "outcome");
  }

  @Test
  void clientStatsReadAsOneLine() {
    client.config().addListener("one-line.properties", "DEFAULT_GROUP", event -> { });
    assertThat(client.stats().toString()).startsWith("ClientStats{configsListened=")
        .doesNotContain("configsListened=0,").doesNotContain("StatsRecorder").endsWith("}");
  }

  @Test
  void withoutABinderNothingIsObservedAndDecisionsAreNotTimed() {
    Governance governance = client.governance();
    for (int i = 0; i < 2000; i++) {
      governance.decide(GovernedRequest.of(SERVICE)).onSuccess();
    }
    GovernanceStats stats = governance.stats();
    assertThat(stats.observed()).isFalse();
    assertThat(stats.timedDecisions()).isZero();
    assertThat(stats.services()).singleElement().satisfies(s -> assertThat(s.choices("*")).isZero());
    assertThat(stats.resources()).singleElement()
        .satisfies(r -> assertThat(r.count(io.mse.client.governance.CallOutcome.SUCCEEDED)).isEqualTo(2000));
  }

  @Test
  void theServerTagNeverHoldsCredentials() {
    assertThat(MseClientMetrics.withoutUserInfo("https://nacos:secret@mse.example.com:443/nacos"))
        .isEqualTo("https://mse.example.com:443/nacos");
    assertThat(MseClientMetrics.withoutUserInfo("user:pw@10.0.0.1:8848,10.0.0.2:8848"))
        .isEqualTo("10.0.0.1:8848,10.0.0.2:8848");
    assertThat(MseClientMetrics.withoutUserInfo("127.0.0.1:8848")).isEqualTo("127.0.0.1:8848");
  }
}
