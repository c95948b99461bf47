package io.mse.client.spring.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.config.ConfigKey;
import io.mse.client.testing.nacos.NacosConformance;
import io.mse.client.testing.nacos.NacosServerTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.config.ConfigDataResourceNotFoundException;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * {@code spring.config.import=mse:...} against each real Nacos server of the build (2.5.1 without
 * auth, 3.0.3 with auth): a started application imports a YAML and a properties config and an
 * optional one that does not exist yet, follows their changes into a {@code @ConfigurationProperties}
 * bean and a {@code @RefreshScope} bean, and fails to start, naming the config, when a required one
 * is missing.
 */
@NacosConformance
class MseConfigImportNacosIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private final NacosServerTarget server;
  @TempDir
  Path snapshots;
  private MseClient publisher;
  private final List<String> published = new ArrayList<>();

  MseConfigImportNacosIT(NacosServerTarget server) {
    this.server = server;
  }

  @BeforeEach
  void startPublisher() {
    publisher = server.clientBuilder(snapshots.resolve("publisher")).build();
  }

  @AfterEach
  void removeConfigs() {
    published.forEach(dataId -> publisher.config().removeConfig(dataId, null));
    publisher.close();
  }

  private String publishNew(String name, String content) {
    String dataId = ImportTesting.dataId("it-" + name);
    published.add(dataId);
    publish(dataId, content);
    return dataId;
  }

  private void publish(String dataId, String content) {
    assertThat(publisher.config().publishConfig(dataId, null, content)).isTrue();
    // A real server serves a published config only after its dump (tens of ms; a 2.x under load, more):
    // an application started before would find the required import missing.
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(
        () -> content.equals(publisher.config().getConfig(dataId, null, java.time.Duration.ofSeconds(3))));
  }

  private ConfigurableApplicationContext start(String imports) {
    List<String> args = new ArrayList<>(List.of("mse.server-addr=" + server.address(), "mse.request-timeout=5s",
        "spring.config.import=" + imports));
    if (server.auth()) {
      args.add("mse.username=" + server.username());
      args.add("mse.password=" + server.password());
    }
    return ImportTesting.start(snapshots, DemoApp.class, args.toArray(String[]::new));
  }

  @Test
  void importsAndFollowsConfigsIntoBothKindsOfBeans() {
    String yaml = publishNew("live.yaml", "demo:\n  greeting: hello\n  servers: [a, b]\n");
    String properties = publishNew("other.properties", "other.value=1\n");
    String later = ImportTesting.dataId("it-later.json");
    published.add(later);

    try (ConfigurableApplicationContext context = start("mse:" + properties + ",mse:" + yaml
        + ",optional:mse:" + later)) {
      ConfigurableEnvironment env = context.getEnvironment();
      DemoApp.DemoProperties bound = context.getBean(DemoApp.DemoProperties.class);
      DemoApp.Greeter greeter = context.getBean(DemoApp.Greeter.class);
      assertThat(context.getBeansOfType(MseClient.class)).hasSize(1);
      assertThat(context.getBean(MseClient.class).settings().serverAddr()).isEqualTo(server.address());
      assertThat(bound.getGreeting()).isEqualTo("hello");
      assertThat(greeter.greeting()).isEqualTo("hello");
      assertThat(env.getProperty("other.value")).isEqualTo("1");
      List<String> order = MseConfigDataImportTest.names(env);
      PropertySource<?> otherBefore = env.getPropertySources().get(nameOf(properties));

      publish(yaml, "demo:\n  greeting: bonjour\n  servers: [c, d, e]\n");

      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(bound.getGreeting()).isEqualTo("bonjour");
        assertThat(greeter.greeting()).isEqualTo("bonjour");
      });
      assertThat(bound.getServers()).containsExactly("c", "d", "e");
      assertThat(MseConfigDataImportTest.names(env)).isEqualTo(order);
      assertThat(env.getPropertySources().get(nameOf(yaml))).isInstanceOfSatisfying(MseConfigPropertySource.class,
          source -> assertThat(source.format()).isEqualTo(ConfigFormat.YAML));
      assertThat(env.getPropertySources().get(nameOf(properties))).isSameAs(otherBefore);

      publish(later, "{\"demo\": {\"greeting\": \"from-json\"}}");

      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(bound.getGreeting()).isEqualTo("from-json");
        assertThat(greeter.greeting()).isEqualTo("from-json");
      });
      assertThat(MseConfigDataImportTest.names(env)).isEqualTo(order);
    }
  }

  @Test
  void aMissingRequiredImportFailsTheStartNamingIt() {
    String missing = ImportTesting.dataId("it-missing.yaml");

    assertThatThrownBy(() -> start("mse:" + missing)).isInstanceOf(ConfigDataResourceNotFoundException.class)
        .hasMessageContaining("dataId=" + missing).hasMessageContaining("group=DEFAULT_GROUP")
        .hasMessageContaining("namespace=public").hasMessageContaining("server=" + server.address());
  }

  private static String nameOf(String dataId) {
    return MseConfigPropertySource.nameOf(new ConfigKey("", null, dataId));
  }
}
