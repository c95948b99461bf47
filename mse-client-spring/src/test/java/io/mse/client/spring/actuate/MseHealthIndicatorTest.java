package io.mse.client.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.naming.Instance;
import io.mse.client.spring.MseAutoConfiguration;
import io.mse.client.testing.FakeEngineProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class MseHealthIndicatorTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  static Path snapshots;

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(MseAutoConfiguration.class, MseActuatorAutoConfiguration.class))
      .withPropertyValues("mse.snapshot-dir=" + snapshots, "spring.application.name=health-app");

  private static Health health(org.springframework.context.ApplicationContext context) {
    return context.getBean("mseHealthIndicator", HealthIndicator.class).health();
  }

  @Test
  void upWhileTheServerAnswers() {
    runner.run(context -> {
      Health health = health(context);
      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails()).containsEntry("reachable", true).containsEntry("server", "embedded")
          .containsEntry("namespace", "public").doesNotContainKey("unreachableFor");
    });
  }

  @Test
  void downOnceANacosServerHasBeenUnreachableLongerThanTheThreshold() {
    runner.withPropertyValues("mse.server-addr=127.0.0.1:1", "mse.request-timeout=300ms",
        "mse.health.unreachable-threshold=0s").run(context -> {
          // the governance's first reads of its rule documents found no server
          await().atMost(WAIT).untilAsserted(() -> assertThat(health(context).getStatus()).isEqualTo(Status.DOWN));
          Health health = health(context);
          assertThat(health.getDetails()).containsEntry("reachable", false).containsKey("unreachableFor")
              .containsEntry("unreachableThreshold", "PT0S");
          assertThat((String) health.getDetails().get("lastFault")).contains("127.0.0.1:1");
        });
  }

  @Test
  @SuppressWarnings("unchecked")
  void theDetailsNameTheCachedDataBeingServed() {
    runner.withPropertyValues("mse.server-addr=fake://health-cached", "mse.health.unreachable-threshold=0s")
        .run(context -> {
          MseClient client = context.getBean(MseClient.class);
          client.config().publishConfig("app.properties", "DEFAULT_GROUP", "a=1");
          client.config().addListener("app.properties", "DEFAULT_GROUP", event -> { });
          client.naming().registerInstance("stock-service", Instance.of("10.0.0.1", 80));
          client.naming().subscribe("stock-service", "DEFAULT_GROUP", event -> { });
          await().atMost(WAIT).until(() -> client.followedServices().stream().anyMatch(s -> s.instances() == 1));
          assertThat(health(context).getStatus()).isEqualTo(Status.UP);

          FakeEngineProvider.engine("health-cached").down(true);

          await().atMost(WAIT).untilAsserted(() -> assertThat(health(context).getStatus()).isEqualTo(Status.DOWN));
          Health health = health(context);
          assertThat((List<String>) health.getDetails().get("servingCachedConfigs"))
              .contains("DEFAULT_GROUP/app.properties", "MSE_GOVERNANCE/health-app.governance.json (absent)");
          assertThat((List<String>) health.getDetails().get("servingCachedServices"))
              .containsExactly("DEFAULT_GROUP@@stock-service (1 instances)");
          assertThat(health.getDetails()).containsEntry("lastFault", "fake engine down");

          FakeEngineProvider.engine("health-cached").down(false);
          assertThat(health(context).getStatus()).isEqualTo(Status.UP);
        });
  }

  @Test
  void upWhileTheOutageIsShorterThanTheThresholdNamingTheCachedData() {
    runner.withPropertyValues("mse.server-addr=127.0.0.1:1", "mse.request-timeout=300ms",
        "mse.health.unreachable-threshold=1h").run(context -> {
          await().atMost(WAIT).untilAsserted(() -> assertThat(health(context).getDetails()).containsEntry("reachable", false));
          Health health = health(context);
          assertThat(health.getStatus()).isEqualTo(Status.UP);
          assertThat(health.getDetails()).containsKeys("servingCachedConfigs", "servingCachedServices", "lastFault");
        });
  }

  @Test
  void downForAZooKeeperServerThatCannotBeReached() {
    runner.withPropertyValues("mse.server-addr=zookeeper://127.0.0.1:1", "mse.request-timeout=300ms",
        "mse.health.unreachable-threshold=0s").run(context -> {
          await().atMost(WAIT).untilAsserted(() -> assertThat(health(context).getStatus()).isEqualTo(Status.DOWN));
          assertThat((String) health(context).getDetails().get("lastFault")).contains("ZooKeeper");
        });
  }

  @Test
  void offWhenTheIndicatorIsDisabled() {
    runner.withPropertyValues("management.health.mse.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(MseHealthIndicator.class));
  }

  @Test
  void aNegativeThresholdFailsTheStartNamingIt() {
    runner.withPropertyValues("mse.health.unreachable-threshold=-1s").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("mse.health.unreachable-threshold");
    });
  }

  @Test
  void standsBackWithoutTheActuator() {
    runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health", "org.springframework.boot.actuate"))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(MseHealthIndicator.class)
            .doesNotHaveBean(MseEndpoint.class));
  }
}
