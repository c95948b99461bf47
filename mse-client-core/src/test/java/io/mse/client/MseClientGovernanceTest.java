package io.mse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mse.client.config.ConfigKey;
import io.mse.client.governance.Decision;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernanceListener;
import io.mse.client.governance.GovernedRequest;
import io.mse.client.governance.RateLimitedException;
import io.mse.client.naming.Instance;
import io.mse.client.testing.FakeEngine;
import io.mse.client.testing.FakeEngineProvider;
import io.mse.client.testing.FakeTicker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MseClient#governance()} end to end over an engine: rules published into the client's own
 * config center at {@code <application>.governance.json} / {@code MSE_GOVERNANCE}, instances
 * registered through its registry, re-publishes applied live, and the governance closed with the client.
 */
class MseClientGovernanceTest {

  static final String SERVICE = "inventory-service";
  static final String DATA_ID = "order-service.governance.json";

  @TempDir
  Path snapshots;

  final FakeTicker ticker = new FakeTicker();
  final List<String> rejected = new CopyOnWriteArrayList<>();
  MseClient client;
  FakeEngine engine;

  @BeforeEach
  void start() {
    client = MseClient.builder().serverAddr("fake://governed").applicationName("order-service")
        .snapshotDir(snapshots).ticker(ticker).build();
    engine = FakeEngineProvider.engine("governed");
    register("10.0.0.1", "v1");
    register("10.0.0.2", "v1");
    register("10.0.0.3", "v2");
  }

  @AfterEach
  void stop() {
    client.close();
  }

  static String rules(int v2Weight, String extra) {
    return """
        {"version": 1,
         "routes": [{"service": "inventory-service", "match": {"headers": {"x-user-group": "beta"}},
                     "destinations": [{"subset": {"version": "v2"}, "weight": %d},
                                      {"subset": {"version": "v1"}, "weight": %d}]}]%s}
        """.formatted(v2Weight, 100 - v2Weight, extra);
  }

  @Test
  void decisionsFollowTheRulesPublishedIntoTheConfigCenterAndChangeLive() {
    publish(rules(0, ""));
    Governance governance = client.governance();
    governance.addListener(new GovernanceListener() {
      @Override
      public void onRulesRejected(String source, String reason) {
        rejected.add(reason);
      }
    });
    assertThat(client.governance()).isSameAs(governance);
    GovernedRequest beta = GovernedRequest.builder(SERVICE).header("x-user-group", "beta").build();
    GovernedRequest other = GovernedRequest.of(SERVICE);

    assertThat(versions(governance, beta, 300)).containsOnlyKeys("v1");
    assertThat(versions(governance, other, 300)).containsKeys("v1", "v2");

    publish(rules(100, ""));
    await().atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(versions(governance, beta, 100)).containsOnlyKeys("v2"));

    register("10.0.0.4", "v2");
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(ips(governance, beta, 400)).containsOnlyKeys("10.0.0.3", "10.0.0.4"));

    publish(rules(100, ", \"rateLimits\": [{\"resource\": \"inventory-service\", \"permitsPerSecond\": 3}]"));
    await().atMost(Duration.ofSeconds(5)).until(() -> !governance.rules().rateLimits().isEmpty());
    ticker.advance(Duration.ofSeconds(1));
    for (int i = 0; i < 3; i++) {
      governance.decide(beta).onSuccess();
    }
    assertThatThrownBy(() -> governance.decide(beta)).isInstanceOf(RateLimitedException.class);
    ticker.advance(Duration.ofSeconds(1));
    governance.decide(beta).onSuccess();

    publish("{\"version\": 1, \"routes\": [{\"service\": \"inventory-service\", \"bogus\": 1}]}");
    await().atMost(Duration.ofSeconds(5)).until(() -> !rejected.isEmpty());
    assertThat(rejected.get(0)).contains("bogus");
    assertThat(governance.rules().rateLimits()).hasSize(1);
    ticker.advance(Duration.ofSeconds(1));
    assertThat(versions(governance, beta, 3)).containsOnlyKeys("v2");
    assertThatThrownBy(() -> governance.decide(beta)).as("the previous rate limit stays in force")
        .isInstanceOf(RateLimitedException.class);
  }

  @Test
  void closingTheClientClosesItsGovernance() {
    publish(rules(0, ""));
    Governance governance = client.governance();
    governance.decide(GovernedRequest.of(SERVICE)).onSuccess();
    assertThat(engine.watching(new ConfigKey("", Governance.RULES_GROUP, DATA_ID))).isTrue();

    client.close();

    assertThatThrownBy(() -> governance.decide(GovernedRequest.of(SERVICE)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThat(engine.closed()).isTrue();
    assertThatThrownBy(client::governance).isInstanceOf(IllegalStateException.class);
  }

  private void publish(String document) {
    assertThat(client.config().publishConfig(DATA_ID, Governance.RULES_GROUP, document, "json")).isTrue();
  }

  private void register(String ip, String version) {
    client.naming().registerInstance(SERVICE, "DEFAULT_GROUP",
        Instance.builder().ip(ip).port(8080).metadata("version", version).build());
  }

  private static Map<String, Integer> versions(Governance g, GovernedRequest request, int n) {
    return sample(g, request, n, true);
  }

  private static Map<String, Integer> ips(Governance g, GovernedRequest request, int n) {
    return sample(g, request, n, false);
  }

  private static Map<String, Integer> sample(Governance g, GovernedRequest request, int n, boolean byVersion) {
    Map<String, Integer> counts = new HashMap<>();
    Decision d = g.newDecision();
    for (int i = 0; i < n; i++) {
      g.decide(request, d);
      Instance chosen = d.instance();
      counts.merge(byVersion ? chosen.metadata().get("version") : chosen.ip(), 1, Integer::sum);
      d.release();
    }
    return counts;
  }
}
