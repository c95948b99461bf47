package io.mse.client.spring.config;

import static io.mse.client.spring.config.ImportTesting.dataId;
import static io.mse.client.spring.config.ImportTesting.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.config.ConfigKey;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.cloud.context.refresh.ContextRefresher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/** Live refresh of imported configs, on the embedded engine. */
class MseConfigRefreshTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @RegisterExtension
  static final EmbeddedConfigs configs = new EmbeddedConfigs();

  @Test
  void aYamlChangeRebindsAndRebuildsTheBeansAndStaysYamlInTheSamePlace() {
    String yaml = dataId("live.yaml");
    String other = dataId("other.properties");
    configs.publish(yaml, null, "demo:\n  greeting: hello\n  servers: [a, b]\n");
    configs.publish(other, null, "other.value=1\n");

    try (ConfigurableApplicationContext context = start(configs.snapshots(), DemoApp.class,
        "spring.config.import=mse:" + other + ",mse:" + yaml)) {
      ConfigurableEnvironment env = context.getEnvironment();
      DemoApp.DemoProperties properties = context.getBean(DemoApp.DemoProperties.class);
      DemoApp.Greeter greeter = context.getBean(DemoApp.Greeter.class);
      List<String> order = MseConfigDataImportTest.names(env);
      String name = MseConfigPropertySource.nameOf(new ConfigKey("", null, yaml));
      PropertySource<?> before = env.getPropertySources().get(name);
      PropertySource<?> otherBefore = env.getPropertySources().get(MseConfigPropertySource.nameOf(new ConfigKey("", null, other)));
      assertThat(greeter.greeting()).isEqualTo("hello");

      configs.publish(yaml, null, "demo:\n  greeting: bonjour\n  servers:\n    - c\n    - d\n    - e\n");

      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(properties.getGreeting()).isEqualTo("bonjour");
        assertThat(greeter.greeting()).isEqualTo("bonjour");
      });
      assertThat(properties.getServers()).containsExactly("c", "d", "e");
      assertThat(MseConfigDataImportTest.names(env)).as("same names, same order").isEqualTo(order);
      assertThat(env.getPropertySources().get(name)).isNotSameAs(before)
          .isInstanceOfSatisfying(MseConfigPropertySource.class, s -> assertThat(s.format()).isEqualTo(ConfigFormat.YAML));
      assertThat(env.getProperty("demo.servers[2]")).as("read as YAML, not as properties").isEqualTo("e");
      assertThat(env.getPropertySources().get(MseConfigPropertySource.nameOf(new ConfigKey("", null, other))))
          .as("an unchanged config is not read again").isSameAs(otherBefore);
      List<MseConfigChangedEvent> events = context.getBean(DemoApp.ChangeEvents.class).events;
      await().atMost(WAIT).until(() -> !events.isEmpty());
      assertThat(events).singleElement().satisfies(event -> {
        assertThat(event.configs()).containsExactly(new ConfigKey("", null, yaml));
        assertThat(event.propertyNames()).containsExactlyInAnyOrder("demo.greeting", "demo.servers[0]",
            "demo.servers[1]", "demo.servers[2]");
      });
    }
  }

  @Test
  void aPropertiesChangeRebindsAndRebuildsTheBeansAndStaysProperties() {
    String dataId = dataId("live.properties");
    configs.publish(dataId, null, "demo.greeting=hello\n");

    try (ConfigurableApplicationContext context = start(configs.snapshots(), DemoApp.class, "spring.config.import=mse:" + dataId)) {
      ConfigurableEnvironment env = context.getEnvironment();
      DemoApp.DemoProperties properties = context.getBean(DemoApp.DemoProperties.class);
      DemoApp.Greeter greeter = context.getBean(DemoApp.Greeter.class);
      List<String> order = MseConfigDataImportTest.names(env);

      configs.publish(dataId, null, "demo.greeting=hallo\ndemo.servers=x,y\n");

      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(properties.getGreeting()).isEqualTo("hallo");
        assertThat(greeter.greeting()).isEqualTo("hallo");
      });
      assertThat(properties.getServers()).containsExactly("x", "y");
      assertThat(MseConfigDataImportTest.names(env)).isEqualTo(order);
      assertThat(env.getPropertySources().get(MseConfigPropertySource.nameOf(new ConfigKey("", null, dataId))))
          .isInstanceOfSatisfying(MseConfigPropertySource.class, s -> assertThat(s.format()).isEqualTo(ConfigFormat.PROPERTIES));
    }
  }

  @Test
  void aJsonChangeIsFlattenedAgain() {
    String dataId = dataId("live.json");
    configs.publish(dataId, null, "{\"demo\": {\"greeting\": \"hello\"}}");

    try (ConfigurableApplicationContext context = start(configs.snapshots(), DemoApp.class, "spring.config.import=mse:" + dataId)) {
      DemoApp.DemoProperties properties = context.getBean(DemoApp.DemoProperties.class);

      configs.publish(dataId, null, "{\"demo\": {\"greeting\": \"ciao\", \"servers\": [\"s1\"]}}");

      await().atMost(WAIT).untilAsserted(() -> assertThat(properties.getServers()).containsExactly("s1"));
      assertThat(properties.getGreeting()).isEqualTo("ciao");
    }
  }

  @Test
  void anOptionalConfigThatAppearsLaterIsLoadedInItsPlace() {
    String later = dataId("later.yaml");
    String base = dataId("base.properties");
    configs.publish(base, null, "demo.greeting=from-base\n");

    try (ConfigurableApplicationContext context = start(configs.snapshots(), DemoApp.class,
        "spring.config.import=mse:" + base + ",optional:mse:" + later)) {
      DemoApp.DemoProperties properties = context.getBean(DemoApp.DemoProperties.class);
      DemoApp.Greeter greeter = context.getBean(DemoApp.Greeter.class);
      List<String> order = MseConfigDataImportTest.names(context.getEnvironment());
      assertThat(properties.getGreeting()).isEqualTo("from-base");

      configs.publish(later, null, "demo:\n  greeting: from-later\n");

      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(properties.getGreeting()).as("the later import wins").isEqualTo("from-later");
        assertThat(greeter.greeting()).isEqualTo("from-later");
      });
      assertThat(MseConfigDataImportTest.names(context.getEnvironment())).isEqualTo(order);
    }
  }

  @Test
  void anImportWithRefreshFalseIsNotFollowed() {
    String fixed = dataId("fixed.properties");
    String live = dataId("live.properties");
    configs.publish(fixed, null, "demo.greeting=fixed-1\n");
    configs.publish(live, null, "other.value=live-1\n");

    try (ConfigurableApplicationContext context = start(configs.snapshots(), DemoApp.class,
        "spring.config.import=mse:" + fixed + "?refresh=false,mse:" + live)) {
      ConfigurableEnvironment env = context.getEnvironment();

      configs.publish(fixed, null, "demo.greeting=fixed-2\n");
      configs.publish(live, null, "other.value=live-2\n");

      // the later change of the followed config has arrived; the first one was not followed at all
      await().atMost(WAIT).until(() -> "live-2".equals(env.getProperty("other.value")));
      await().during(Duration.ofMillis(300)).atMost(WAIT)
          .until(() -> "fixed-1".equals(env.getProperty("demo.greeting")));
      assertThat(context.getBean(DemoApp.DemoProperties.class).getGreeting()).isEqualTo("fixed-1");
    }
  }

  @Test
  void newContentThatIsNotValidKeepsThePreviousProperties() {
    String dataId = dataId("fragile.yaml");
    configs.publish(dataId, null, "demo:\n  greeting: hello\n");

    try (ConfigurableApplicationContext context = start(configs.snapshots(), DemoApp.class, "spring.config.import=mse:" + dataId)) {
      ConfigurableEnvironment env = context.getEnvironment();

      CapturedLog log = new CapturedLog();
      try (log) {
        configs.publish(dataId, null, "demo:\n  greeting: [broken\n");
        await().atMost(WAIT).until(() -> log.toString().contains("the previous properties stay in force"));
      }
      assertThat(log.toString()).contains("dataId=" + dataId).contains("is not valid YAML");
      assertThat(env.getProperty("demo.greeting")).isEqualTo("hello");

      configs.publish(dataId, null, "demo:\n  greeting: mended\n");
      await().atMost(WAIT).until(() -> "mended".equals(context.getBean(DemoApp.DemoProperties.class).getGreeting()));
    }
  }

  @Test
  void aConfigRemovedOnTheServerTakesItsPropertiesAway() {
    String dataId = dataId("removed.properties");
    configs.publish(dataId, null, "demo.greeting=here\n");

    try (ConfigurableApplicationContext context = start(configs.snapshots(), DemoApp.class, "spring.config.import=mse:" + dataId)) {
      DemoApp.Greeter greeter = context.getBean(DemoApp.Greeter.class);
      assertThat(greeter.greeting()).isEqualTo("here");

      assertThat(configs.publisher().config().removeConfig(dataId, null)).isTrue();

      await().atMost(WAIT).untilAsserted(() -> assertThat(greeter.greeting()).isEqualTo("none"));
      assertThat(context.getEnvironment().getProperty("demo.greeting")).isNull();
    }
  }

  @Test
  void aChangeThatLeavesEveryPropertyAsItWasRefreshesNothing() {
    String dataId = dataId("comments.properties");
    String marker = dataId("marker.properties");
    configs.publish(dataId, null, "demo.greeting=same\n");
    configs.publish(marker, null, "marker=1\n");

    try (ConfigurableApplicationContext context = start(configs.snapshots(), DemoApp.class,
        "spring.config.import=mse:" + dataId + ",mse:" + marker)) {
      List<MseConfigChangedEvent> events = context.getBean(DemoApp.ChangeEvents.class).events;
      PropertySource<?> before = context.getEnvironment().getPropertySources()
          .get(MseConfigPropertySource.nameOf(new ConfigKey("", null, dataId)));

      configs.publish(dataId, null, "# only a comment is new\ndemo.greeting=same\n");
      configs.publish(marker, null, "marker=2\n");

      await().atMost(WAIT).until(() -> !events.isEmpty());
      await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> events.size() == 1);
      assertThat(events.get(0).configs()).containsExactly(new ConfigKey("", null, marker));
      assertThat(context.getEnvironment().getPropertySources()
          .get(MseConfigPropertySource.nameOf(new ConfigKey("", null, dataId)))).isSameAs(before);
    }
  }

  @Test
  void springCloudsOwnRefreshReadsNoFollowedConfigAgainAndTheyAreStillFollowed() {
    String dataId = dataId("again.yaml");
    configs.publish(dataId, null, "demo:\n  greeting: hello\n");

    try (ConfigurableApplicationContext context = start(configs.snapshots(), DemoApp.class,
        "spring.config.import=mse:" + dataId)) {
      ConfigurableEnvironment env = context.getEnvironment();
      String name = MseConfigPropertySource.nameOf(new ConfigKey("", null, dataId));
      PropertySource<?> before = env.getPropertySources().get(name);

      context.getBean(ContextRefresher.class).refresh(); // what /actuator/refresh does

      assertThat(env.getPropertySources().get(name)).isSameAs(before);
      configs.publish(dataId, null, "demo:\n  greeting: again\n");
      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(context.getBean(DemoApp.DemoProperties.class).getGreeting()).isEqualTo("again");
        assertThat(context.getBean(DemoApp.Greeter.class).greeting()).isEqualTo("again");
      });
    }
  }
}
