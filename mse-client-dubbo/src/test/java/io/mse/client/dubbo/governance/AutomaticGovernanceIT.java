package io.mse.client.dubbo.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.dubbo.registry.ClientSettings;
import io.mse.client.dubbo.registry.SharedClients;
import io.mse.client.dubbo.testing.DubboApp;
import io.mse.client.dubbo.testing.Greeter;
import io.mse.client.governance.Governance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.dubbo.rpc.RpcException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Dubbo application whose only mse configuration is its {@code mse://} registry gets mse governance
 * from the registry's client, with the rules of its name in the config center, without code; the
 * {@code mse.governance=false} parameter and a manual install are stronger.
 */
class AutomaticGovernanceIT {

  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final String GREET = Greeter.class.getName() + "#greet";

  @TempDir
  Path dir;
  private MseClient operator;
  private DubboApp laneA;
  private DubboApp laneB;
  private String consumerName;

  @BeforeEach
  void providersOnTwoLanesAndTheConsumersRules() {
    operator = MseClient.builder().serverAddr("embedded").snapshotDir(dir.resolve("operator")).build();
    consumerName = "auto-governed-" + NAMES.incrementAndGet();
    operator.config().publishConfig(consumerName + Governance.APPLICATION_DATA_ID_SUFFIX, Governance.RULES_GROUP, """
        {"version": 1,
         "routes": [{"service": "%s", "destinations": [{"subset": {"lane": "b"}, "weight": 100}]}],
         "rateLimits": [{"resource": "%s", "limitForPeriod": 20, "period": "1h"}]}
        """.formatted(Greeter.class.getName(), GREET));
    laneA = DubboApp.named("lanes-a").registry("mse://embedded", registry("a"))
        .provide("a", "1.0.0", null, Map.of("lane", "a")).start();
    laneB = DubboApp.named("lanes-b").registry("mse://embedded", registry("b"))
        .provide("b", "1.0.0", null, Map.of("lane", "b")).start();
  }

  @AfterEach
  void stop() {
    laneB.close();
    laneA.close();
    operator.close();
  }

  private Map<String, String> registry(String who) {
    Map<String, String> parameters = new HashMap<>();
    parameters.put(ClientSettings.SNAPSHOT_DIR, dir.resolve(who).toString());
    return parameters;
  }

  private DubboApp consumer(Map<String, String> extra) {
    Map<String, String> parameters = registry("consumer");
    parameters.putAll(extra);
    DubboApp consumer = DubboApp.named(consumerName).registry("mse://embedded", parameters)
        .consume("greeter", "1.0.0", null, Map.of("migration.step", "FORCE_INTERFACE")).start();
    await().atMost(Duration.ofSeconds(20)).until(() -> consumer.interfaceLevelProviders("greeter").size() == 2);
    return consumer;
  }

  @Test
  void aConsumerWithOnlyAnMseRegistryIsRoutedAndRateLimitedByItsRuleDocument() {
    int clientsBefore = SharedClients.openClients();
    try (DubboApp consumer = consumer(Map.of())) {
      Governance installed = MseDubboGovernance.installed(consumer.application());
      assertThat(installed).as("installed from the registry's client").isNotNull();
      assertThat(SharedClients.openClients()).as("one client for registry and governance").isEqualTo(clientsBefore + 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> !installed.rules().rateLimits().isEmpty());

      for (int i = 0; i < 20; i++) {
        assertThat(consumer.greeter().greet("x")).as("the route sends every call to lane b").isEqualTo("b:x");
      }
      assertThatThrownBy(() -> consumer.greeter().greet("x")).isInstanceOfSatisfying(RpcException.class,
          e -> assertThat(e.getCode()).isEqualTo(RpcException.LIMIT_EXCEEDED_EXCEPTION));
    }
    assertThat(SharedClients.openClients()).as("the governance let go of the client with the app").isEqualTo(clientsBefore);
  }

  @Test
  void theRegistryParameterTurnsItOff() {
    try (DubboApp consumer = consumer(Map.of(AutomaticGovernance.ENABLED_KEY, "false"))) {
      assertThat(MseDubboGovernance.installed(consumer.application())).isNull();
      Map<String, Integer> answers = new HashMap<>();
      for (int i = 0; i < 40; i++) {
        answers.merge(consumer.greeter().greet("x"), 1, Integer::sum);
      }
      assertThat(answers).as("neither routed nor limited").containsKeys("a:x", "b:x");
    }
  }

  @Test
  void aManualInstallReplacesTheAutomaticOne() {
    try (DubboApp consumer = consumer(Map.of());
        MseClient own = MseClient.builder().serverAddr("embedded").snapshotDir(dir.resolve("own")).build()) {
      Governance automatic = MseDubboGovernance.installed(consumer.application());
      assertThat(automatic).isNotNull();
      Governance manual = own.governance(); // no application name: no rules
      MseDubboGovernance.install(consumer.application(), manual);

      assertThat(MseDubboGovernance.installed(consumer.application())).isSameAs(manual);
      assertThatThrownBy(() -> automatic.candidateRouter("x")).as("the automatic one is closed").isInstanceOf(IllegalStateException.class);
      for (int i = 0; i < 25; i++) {
        consumer.greeter().greet("x"); // over the automatic one's limit of 20: not refused
      }
    }
  }
}
