package io.mse.client.dubbo.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.dubbo.registry.ClientSettings;
import io.mse.client.dubbo.testing.DubboApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.common.config.configcenter.ConfigChangeType;
import org.apache.dubbo.common.config.configcenter.ConfigChangedEvent;
import org.apache.dubbo.common.config.configcenter.ConfigItem;
import org.apache.dubbo.common.config.configcenter.ConfigurationListener;
import org.apache.dubbo.common.config.configcenter.DynamicConfiguration;
import org.apache.dubbo.common.config.configcenter.DynamicConfigurationFactory;
import org.apache.dubbo.rpc.model.ApplicationModel;
import org.apache.dubbo.rpc.model.FrameworkModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dubbo's config center on the embedded engine: a router rule published there steers real calls. */
class ConfigCenterIT {

  @TempDir
  Path dir;

  private Map<String, String> registry(String who) {
    return Map.of(ClientSettings.SNAPSHOT_DIR, dir.resolve(who).toString());
  }

  private static final String GREEN_ONLY = String.join("\n",
      "configVersion: v3.0",
      "scope: application",
      "key: consumer-app",
      "force: true",
      "runtime: true",
      "enabled: true",
      "conditions:",
      "  - '=> flavor = green'");

  @Test
  @SuppressWarnings("try") // apps held open for the test's duration
  void aConditionRouterPublishedInTheConfigCenterSteersTheConsumerUntilItIsRemoved() {
    try (MseClient operator = MseClient.builder().serverAddr("embedded").snapshotDir(dir.resolve("operator")).build();
        DubboApp blue = DubboApp.named("provider-blue").registry("mse://embedded", registry("blue"))
            .provide("blue", "1.0.0", null, Map.of("flavor", "blue")).start();
        DubboApp green = DubboApp.named("provider-green").registry("mse://embedded", registry("green"))
            .provide("green", "1.0.0", null, Map.of("flavor", "green")).start();
        DubboApp consumer = DubboApp.named("consumer-app").registry("mse://embedded", registry("consumer"))
            .consume("greeter", "1.0.0", null, Map.of("migration.step", "FORCE_INTERFACE")).start()) {
      awaitBoth(consumer);

      assertThat(operator.config().publishConfig("consumer-app.condition-router", "dubbo", GREEN_ONLY)).isTrue();
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> tenCalls(consumer).equals(Set.of("green:x")));

      assertThat(operator.config().removeConfig("consumer-app.condition-router", "dubbo")).isTrue();
      awaitBoth(consumer);
    }
  }

  private static void awaitBoth(DubboApp consumer) {
    Set<String> seen = new HashSet<>();
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).ignoreExceptions().until(() -> {
      seen.addAll(tenCalls(consumer));
      return seen.containsAll(Set.of("blue:x", "green:x"));
    });
  }

  private static Set<String> tenCalls(DubboApp consumer) {
    Set<String> answers = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      answers.add(consumer.greeter().greet("x"));
    }
    return answers;
  }

  @Test
  void theExtensionReadsPublishesComparesAndSetsAndTellsListenersOfEachChange() throws Exception {
    FrameworkModel framework = new FrameworkModel();
    try (MseClient operator = MseClient.builder().serverAddr("embedded").snapshotDir(dir.resolve("operator")).build()) {
      ApplicationModel app = framework.newApplication();
      DynamicConfiguration config = app.getExtensionLoader(DynamicConfigurationFactory.class).getExtension("mse")
          .getDynamicConfiguration(URL.valueOf("mse://embedded?namespace=dubbo&" + ClientSettings.SNAPSHOT_DIR + "="
              + dir.resolve("dubbo")));
      List<ConfigChangedEvent> events = new CopyOnWriteArrayList<>();
      ConfigurationListener listener = events::add;
      config.addListener("app.configurators", "dubbo", listener);

      assertThat(config.getConfig("app.configurators", "dubbo")).isNull();
      ConfigItem absent = config.getConfigItem("app.configurators", "dubbo");
      assertThat(absent.getTicket()).isEqualTo("");
      assertThat(config.publishConfigCas("app.configurators", "dubbo", "v1", absent.getTicket())).isTrue();
      // the same ticket again: the config exists now
      assertThat(config.publishConfigCas("app.configurators", "dubbo", "v1-again", absent.getTicket())).isFalse();
      // Dubbo's default namespace 'dubbo' is the public one, where the operator's client reads
      assertThat(operator.config().getConfig("app.configurators", "dubbo")).isEqualTo("v1");

      ConfigItem v1 = config.getConfigItem("app.configurators", "dubbo");
      assertThat(v1.getTicket()).isEqualTo(Md5Hex.of("v1"));
      assertThat(config.publishConfigCas("app.configurators", "dubbo", "v2", v1.getTicket())).isTrue();
      assertThat(config.publishConfigCas("app.configurators", "dubbo", "v3", v1.getTicket())).isFalse();
      assertThat(config.removeConfig("app.configurators", "dubbo")).isTrue();

      await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 3);
      assertThat(events).extracting(ConfigChangedEvent::getChangeType)
          .containsExactly(ConfigChangeType.ADDED, ConfigChangeType.MODIFIED, ConfigChangeType.DELETED);
      assertThat(events).extracting(ConfigChangedEvent::getContent).containsExactly("v1", "v2", null);
      assertThat(events).extracting(ConfigChangedEvent::getKey).containsOnly("app.configurators");

      // a blank group is Nacos' DEFAULT_GROUP
      assertThat(config.publishConfig("dubbo.properties", "", "dubbo.a=b")).isTrue();
      assertThat(operator.config().getConfig("dubbo.properties", "DEFAULT_GROUP")).isEqualTo("dubbo.a=b");
      assertThat(config.getInternalProperty("dubbo.properties")).isEqualTo("dubbo.a=b");

      config.removeListener("app.configurators", "dubbo", listener);
      config.close();
    } finally {
      framework.destroy();
    }
  }
}
