package io.mse.client.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.config.ConfigService;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernedRequest;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingService;
import io.mse.client.spi.Md5;
import io.mse.client.spring.MseAutoConfiguration;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class MseEndpointTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  static Path snapshots;

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(MseAutoConfiguration.class, MseActuatorAutoConfiguration.class))
      .withPropertyValues("mse.snapshot-dir=" + snapshots, "management.endpoints.web.exposure.include=mse");

  @Test
  @SuppressWarnings("unchecked")
  void showsRegistrationsSubscriptionsConfigsAndGovernanceState() {
    String app = "endpoint-app-" + System.nanoTime();
    runner.withPropertyValues("spring.application.name=" + app).run(context -> {
      MseEndpoint endpoint = context.getBean(MseEndpoint.class);
      NamingService naming = context.getBean(NamingService.class);
      ConfigService config = context.getBean(ConfigService.class);
      Governance governance = context.getBean(Governance.class);
      String service = app + "-inv";
      naming.registerInstance(service, "DEFAULT_GROUP",
          Instance.builder().ip("10.0.0.7").port(8081).metadata("version", "v2").build());
      config.publishConfig(app + ".properties", "DEFAULT_GROUP", "a=1");
      config.addListener(app + ".properties", "DEFAULT_GROUP", event -> { });
      String rules = "{\"version\":1,\"circuitBreakers\":[{\"resource\":\"" + service + "\",\"failureRateThreshold\":50,"
          + "\"minimumNumberOfCalls\":2,\"slidingWindowSize\":2,\"waitDurationInOpenState\":\"60s\"}],"
          + "\"bulkheads\":[{\"resource\":\"" + service + "\",\"maxConcurrentCalls\":4}]}";
      config.publishConfig(app + ".governance.json", Governance.RULES_GROUP, rules);
      await().atMost(WAIT).until(() -> governance.rules().circuitBreakers().size() == 1);
      for (int i = 0; i < 2; i++) {
        governance.decide(GovernedRequest.of(service)).onError(new IOException("boom"));
      }

      Map<String, Object> view = endpoint.mse();

      assertThat((Map<String, Object>) view.get("server")).containsEntry("address", "embedded")
          .containsEntry("reachable", true);
      assertThat((List<Map<String, Object>>) view.get("registrations")).singleElement().satisfies(r -> {
        assertThat(r).containsEntry("service", service).containsEntry("address", "10.0.0.7:8081")
            .containsEntry("cluster", "DEFAULT").containsEntry("ephemeral", true).containsKey("registeredAt");
        assertThat((Map<String, String>) r.get("metadata")).containsEntry("version", "v2");
      });
      assertThat((List<Map<String, Object>>) view.get("subscriptions"))
          .anySatisfy(s -> assertThat(s).containsEntry("service", service).containsEntry("instances", 1)
              .containsEntry("healthy", 1));
      assertThat((List<Map<String, Object>>) view.get("configs"))
          .anySatisfy(c -> assertThat(c).containsEntry("dataId", app + ".properties")
              .containsEntry("md5", Md5.of("a=1")).containsEntry("listeners", 1));
      Map<String, Object> governanceView = (Map<String, Object>) view.get("governance");
      assertThat((List<Map<String, Object>>) governanceView.get("ruleDocuments"))
          .anySatisfy(d -> assertThat(d).containsEntry("dataId", app + ".governance.json")
              .containsEntry("md5", Md5.of(rules)).containsEntry("rejected", null));
      assertThat((Map<String, Object>) governanceView.get("rulesInForce")).containsEntry("circuitBreakers", 1)
          .containsEntry("bulkheads", 1);
      assertThat((Map<String, String>) governanceView.get("circuitBreakers")).containsEntry(service, "OPEN");
    });
  }

  @Test
  @SuppressWarnings("unchecked")
  void namesARejectedRuleDocument() {
    String app = "rejected-app-" + System.nanoTime();
    runner.withPropertyValues("spring.application.name=" + app).run(context -> {
      MseEndpoint endpoint = context.getBean(MseEndpoint.class);
      ConfigService config = context.getBean(ConfigService.class);
      config.publishConfig(app + ".governance.json", Governance.RULES_GROUP, "{\"version\":1,\"timeouts\":[{}]}");

      await().atMost(WAIT).untilAsserted(() -> assertThat(
          (List<Map<String, Object>>) ((Map<String, Object>) endpoint.mse().get("governance")).get("ruleDocuments"))
          .anySatisfy(d -> assertThat(d).containsEntry("dataId", app + ".governance.json")
              .extractingByKey("rejected").isNotNull()));
    });
  }

  @Test
  void isNotAvailableUnlessExposed() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(MseAutoConfiguration.class, MseActuatorAutoConfiguration.class))
        .withPropertyValues("mse.snapshot-dir=" + snapshots)
        .run(context -> assertThat(context).doesNotHaveBean(MseEndpoint.class).hasSingleBean(MseHealthIndicator.class));
  }
}
