package io.mse.client.governance;

import static io.mse.client.governance.Fixtures.instance;
import static io.mse.client.governance.Fixtures.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mse.client.testing.FakeTicker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Baseline and application documents from the config center, merged and hot-reloaded. */
class RuleReloadTest {

  static final String GROUP = Governance.RULES_GROUP;
  static final String BASELINE = Governance.BASELINE_DATA_ID;
  static final String APP = "order-service.governance.json";

  final FakeNamingService naming = new FakeNamingService();
  final FakeConfigService config = new FakeConfigService();
  final FakeTicker ticker = new FakeTicker();
  final List<String> rejected = new ArrayList<>();

  @BeforeEach
  void instances() {
    naming.set("pay", instance("10.0.0.1", "version", "v1"), instance("10.0.0.2", "version", "v2"));
    naming.set("inventory-service", instance("10.0.1.1"));
  }

  Governance start() {
    Governance g = Governance.builder(naming).config(config).applicationName("order-service").ticker(ticker).build();
    g.addListener(new GovernanceListener() {
      @Override
      public void onRulesRejected(String source, String reason) {
        rejected.add(source + ": " + reason);
      }
    });
    return g;
  }

  static String canary(int v2) {
    return """
        {"version": 1, "routes": [{"service": "pay", "destinations": [
          {"subset": {"version": "v2"}, "weight": %d}, {"subset": {"version": "v1"}, "weight": %d}]}]}
        """.formatted(v2, 100 - v2);
  }

  @Test
  void applicationDocumentOverridesTheBaselineRuleByRule() {
    config.publishConfig(BASELINE, GROUP, """
        {"version": 1, "timeouts": [{"resource": "*", "timeout": "2s"}, {"resource": "inventory-service", "timeout": "3s"}],
         "rateLimits": [{"resource": "*", "permitsPerSecond": 100}]}
        """);
    config.publishConfig(APP, GROUP, """
        {"version": 1, "timeouts": [{"resource": "inventory-service", "timeout": "500ms"}]}
        """);

    Governance g = start();

    assertThat(g.timeoutOf(GovernedRequest.of("inventory-service"))).isEqualTo(Duration.ofMillis(500));
    assertThat(g.timeoutOf(GovernedRequest.of("pay"))).isEqualTo(Duration.ofSeconds(2));
    assertThat(g.rules().rateLimits()).containsExactly(RateLimitRule.perSecond("*", 100));
    assertThat(config.listeners(BASELINE, GROUP)).isEqualTo(1);
    assertThat(config.listeners(APP, GROUP)).isEqualTo(1);
  }

  @Test
  void aPublishChangesCanaryWeightsLive() {
    config.publishConfig(APP, GROUP, canary(0));
    Governance g = start();
    assertThat(sample(g, GovernedRequest.of("pay"), 500)).containsOnlyKeys("10.0.0.1");

    config.publishConfig(APP, GROUP, canary(100));
    assertThat(sample(g, GovernedRequest.of("pay"), 500)).containsOnlyKeys("10.0.0.2");

    config.publishConfig(APP, GROUP, canary(50));
    assertThat(sample(g, GovernedRequest.of("pay"), 4000).get("10.0.0.2")).isBetween(1800, 2200);
  }

  @Test
  void aRejectedDocumentLeavesThePreviousRulesInForce() {
    config.publishConfig(APP, GROUP, canary(100));
    Governance g = start();
    GovernanceRules before = g.rules();

    config.publishConfig(APP, GROUP, canary(100).replace("\"weight\": 0", "\"weight\": -1"));
    config.publishConfig(APP, GROUP, "{\"version\": 1, \"timeouts\": [{\"resource\": \"pay\", \"timeout\": \"1 minute\"}]}");

    assertThat(g.rules()).isEqualTo(before);
    assertThat(sample(g, GovernedRequest.of("pay"), 200)).containsOnlyKeys("10.0.0.2");
    assertThat(rejected).hasSize(2);
    assertThat(rejected.get(1)).startsWith(APP + ": ").contains("$.timeouts[0].timeout: '1 minute' is invalid");
  }

  @Test
  void aDocumentWhoseApplyFailsPartWayLeavesTheRulesAndDecisionsAsBefore() {
    AtomicInteger readsUntilFailure = new AtomicInteger();
    io.mse.client.Ticker breaking = () -> {
      if (readsUntilFailure.getAndDecrement() == 1) {
        throw new IllegalStateException("the ticker broke");
      }
      return ticker.read();
    };
    config.publishConfig(APP, GROUP, """
        {"version": 1, "routes": [{"service": "pay", "destinations": [{"subset": {"version": "v2"}}]}],
         "rateLimits": [{"resource": "inventory-service", "permitsPerSecond": 2}]}
        """);
    Governance g = Governance.builder(naming).config(config).applicationName("order-service").ticker(breaking).build();
    g.addListener(new GovernanceListener() {
      @Override
      public void onRulesRejected(String source, String reason) {
        rejected.add(source + ": " + reason);
      }
    });
    GovernedRequest inv = GovernedRequest.of("inventory-service");
    g.decide(inv).release();
    assertThat(sample(g, GovernedRequest.of("pay"), 100)).containsOnlyKeys("10.0.0.2");
    GovernanceRules before = g.rules();

    readsUntilFailure.set(2);   // the second service to take the new rules fails
    config.publishConfig(APP, GROUP, canary(0));

    assertThat(rejected).hasSize(1);
    assertThat(rejected.get(0)).startsWith(APP + ": ").contains("the ticker broke");
    assertThat(g.rules()).isEqualTo(before);
    assertThat(sample(g, GovernedRequest.of("pay"), 200)).containsOnlyKeys("10.0.0.2");
    g.decide(inv).release();
    assertThatThrownBy(() -> g.decide(inv)).isInstanceOf(RateLimitedException.class);

    config.publishConfig(BASELINE, GROUP, "{\"version\": 1, \"timeouts\": [{\"resource\": \"*\", \"timeout\": \"2s\"}]}");
    assertThat(g.rules().routes()).isEqualTo(before.routes());   // the failed document is not merged in later
    assertThat(g.rules().timeouts()).hasSize(1);
    assertThat(sample(g, GovernedRequest.of("pay"), 200)).containsOnlyKeys("10.0.0.2");
  }

  @Test
  void removingTheApplicationDocumentLeavesTheBaseline() {
    config.publishConfig(BASELINE, GROUP, "{\"version\": 1, \"timeouts\": [{\"resource\": \"*\", \"timeout\": \"2s\"}]}");
    config.publishConfig(APP, GROUP, "{\"version\": 1, \"timeouts\": [{\"resource\": \"*\", \"timeout\": \"1s\"}]}");
    Governance g = start();
    assertThat(g.timeoutOf(GovernedRequest.of("pay"))).isEqualTo(Duration.ofSeconds(1));

    config.removeConfig(APP, GROUP);

    assertThat(g.timeoutOf(GovernedRequest.of("pay"))).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void localRulesOverrideTheDocuments() {
    config.publishConfig(APP, GROUP, canary(100));
    Governance g = start();

    g.setLocalRules(GovernanceRules.parse(canary(0)));
    assertThat(sample(g, GovernedRequest.of("pay"), 200)).containsOnlyKeys("10.0.0.1");
    g.setLocalRules(GovernanceRules.EMPTY);
    assertThat(sample(g, GovernedRequest.of("pay"), 200)).containsOnlyKeys("10.0.0.2");
  }

  @Test
  void anUnrelatedReloadKeepsBreakerStateAndAChangedBreakerStartsOpen() {
    String breaker = """
        {"version": 1, "circuitBreakers": [{"resource": "inventory-service", "minimumNumberOfCalls": 2,
           "slidingWindowSize": 2, "waitDurationInOpenState": "%s"}], "timeouts": [{"resource": "pay", "timeout": "%s"}]}
        """;
    config.publishConfig(APP, GROUP, breaker.formatted("30s", "1s"));
    Governance g = start();
    GovernedRequest inv = GovernedRequest.of("inventory-service");
    g.decide(inv).onError(new IOException("a"));
    g.decide(inv).onError(new IOException("b"));
    assertThat(g.circuitState("inventory-service")).isEqualTo(CircuitState.OPEN);

    config.publishConfig(APP, GROUP, breaker.formatted("30s", "2s"));
    assertThat(g.circuitState("inventory-service")).isEqualTo(CircuitState.OPEN);

    config.publishConfig(APP, GROUP, breaker.formatted("5s", "2s"));
    assertThatThrownBy(() -> g.decide(inv)).isInstanceOf(CircuitOpenException.class);
    ticker.advance(Duration.ofMillis(5001));
    g.decide(inv).onSuccess();    // the new breaker's own wait (5 s) applies
  }

  @Test
  void aRateLimitChangeKeepsTheLimiterAndAppliesFromTheNextPeriod() {
    String limit = "{\"version\": 1, \"rateLimits\": [{\"resource\": \"pay\", \"permitsPerSecond\": %d}]}";
    config.publishConfig(APP, GROUP, limit.formatted(2));
    Governance g = start();
    GovernedRequest pay = GovernedRequest.of("pay");
    g.decide(pay).release();
    g.decide(pay).release();
    assertThatThrownBy(() -> g.decide(pay)).isInstanceOf(RateLimitedException.class);

    config.publishConfig(APP, GROUP, limit.formatted(4));
    ticker.advance(Duration.ofSeconds(1));
    for (int i = 0; i < 4; i++) {
      g.decide(pay).release();
    }
    assertThatThrownBy(() -> g.decide(pay)).isInstanceOf(RateLimitedException.class);
  }

  @Test
  void closeStopsListening() {
    Governance g = start();
    g.decide(GovernedRequest.of("pay")).release();
    assertThat(naming.subscribers("pay")).isEqualTo(1);

    g.close();

    assertThat(config.listeners(APP, GROUP)).isZero();
    assertThat(config.listeners(BASELINE, GROUP)).isZero();
    assertThat(naming.subscribers("pay")).isZero();
    assertThatThrownBy(() -> g.decide(GovernedRequest.of("pay"))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aSlowFirstRegistryReadBlocksNeitherRuleReloadsNorOtherServices() throws Exception {
    config.publishConfig(APP, GROUP, canary(100));
    Governance g = start();
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    naming.beforeRead = service -> {
      if (service.equals("pay")) {
        reading.countDown();
        awaitUninterruptibly(release);
      }
    };
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<String> slow = threads.submit(() -> {
        Decision d = g.decide(GovernedRequest.of("pay"));
        d.release();
        return d.instance().ip();
      });
      assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();

      CountDownLatch reloaded = new CountDownLatch(1);
      threads.submit(() -> {
        config.publishConfig(APP, GROUP, canary(0));
        g.decide(GovernedRequest.of("inventory-service")).release();
        reloaded.countDown();
      });
      boolean done = reloaded.await(10, TimeUnit.SECONDS);
      release.countDown();

      assertThat(done).as("the reload and another service's first call finish while 'pay' is read").isTrue();
      assertThat(slow.get()).isEqualTo("10.0.0.1");   // the slow service took the rules published meanwhile
      assertThat(g.rules().routes().get(0).destinations().get(0).weight()).isZero();
    } finally {
      release.countDown();
      threads.shutdownNow();
    }
  }

  static void awaitUninterruptibly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void decisionsReadTheRegistryOnlyOnFirstUse() {
    Governance g = start();
    for (int i = 0; i < 100; i++) {
      g.decide(GovernedRequest.of("pay")).release();
    }
    assertThat(naming.reads).isEqualTo(1);
  }
}
