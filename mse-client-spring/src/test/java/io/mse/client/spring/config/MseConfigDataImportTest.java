package io.mse.client.spring.config;

import static io.mse.client.spring.config.ImportTesting.dataId;
import static io.mse.client.spring.config.ImportTesting.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mse.client.MseClient;
import io.mse.client.ServerUnavailableException;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.context.config.ConfigDataResourceNotFoundException;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/** {@code spring.config.import=mse:...} at start-up, on the embedded engine: formats, precedence, absence, failures. */
class MseConfigDataImportTest {

  @RegisterExtension
  static final EmbeddedConfigs configs = new EmbeddedConfigs();

  @Test
  void importsPropertiesYamlAndJsonEachByItsDataIdsExtension() {
    String properties = configs.publishNew("orders.properties", "orders.limit=10\norders.name=Bestellungen \u8ba2\u5355\n");
    String yaml = configs.publishNew("orders.yaml", "orders:\n  regions:\n    - eu\n    - us\n  retry: {attempts: 3}\n");
    String json = configs.publishNew("orders.json", "{\"orders\": {\"currency\": \"EUR\", \"tiers\": [{\"max\": 100}], \"open\": true}}");

    try (ConfigurableApplicationContext context = start(configs.snapshots(), DemoApp.class,
        "spring.config.import=mse:" + properties + ",mse:" + yaml + ",mse:" + json)) {
      ConfigurableEnvironment env = context.getEnvironment();
      assertThat(env.getProperty("orders.limit", Integer.class)).isEqualTo(10);
      assertThat(env.getProperty("orders.name")).isEqualTo("Bestellungen \u8ba2\u5355");
      assertThat(env.getProperty("orders.regions[1]")).isEqualTo("us");
      assertThat(env.getProperty("orders.retry.attempts", Integer.class)).isEqualTo(3);
      assertThat(env.getProperty("orders.currency")).isEqualTo("EUR");
      assertThat(env.getProperty("orders.tiers[0].max", Integer.class)).isEqualTo(100);
      assertThat(env.getProperty("orders.open", Boolean.class)).isTrue();

      assertThat(source(env, properties).format()).isEqualTo(ConfigFormat.PROPERTIES);
      assertThat(source(env, yaml).format()).isEqualTo(ConfigFormat.YAML);
      assertThat(source(env, json).format()).isEqualTo(ConfigFormat.JSON);
      assertThat(source(env, yaml).getOrigin("orders.regions[1]")).as("YAML values keep their line")
          .isInstanceOfSatisfying(TextResourceOrigin.class, origin -> assertThat(origin.getLocation().getLine()).isEqualTo(3));
    }
  }

  @Test
  void aDataIdWithoutAKnownExtensionIsReadInTheFormatOfMseConfigFileExtension() {
    String dataId = configs.publishNew("com.example.orders", "orders:\n  limit: 7\n");

    try (ConfigurableApplicationContext context = start(configs.snapshots(), DemoApp.class,
        "mse.config.file-extension=yaml", "spring.config.import=mse:" + dataId)) {
      assertThat(context.getEnvironment().getProperty("orders.limit")).isEqualTo("7");
      assertThat(source(context.getEnvironment(), dataId).format()).isEqualTo(ConfigFormat.YAML);
    }
  }

  @Test
  void theGroupParameterAndMseConfigGroupChooseTheGroup() {
    String dataId = dataId("grouped.properties");
    configs.publisher().config().publishConfig(dataId, "ORDERS", "demo.greeting=from-orders-group");
    configs.publisher().config().publishConfig(dataId, "BILLING", "demo.greeting=from-billing-group");

    try (ConfigurableApplicationContext context = start(configs.snapshots(), DemoApp.class,
        "spring.config.import=mse:" + dataId + "?group=ORDERS")) {
      assertThat(context.getBean(DemoApp.DemoProperties.class).getGreeting()).isEqualTo("from-orders-group");
    }
    try (ConfigurableApplicationContext context = start(configs.snapshots(), DemoApp.class, "mse.config.group=BILLING",
        "spring.config.import=mse:" + dataId)) {
      assertThat(context.getBean(DemoApp.DemoProperties.class).getGreeting()).isEqualTo("from-billing-group");
    }
  }

  @Test
  void ofSeveralImportsTheLaterWinsAndAnImportWinsOverTheFileThatImportsIt() {
    String first = configs.publishNew("first.properties", "demo.greeting=from-first\ndemo.first-only=yes\ndemo.cli=from-first");
    String second = configs.publishNew("second.yaml", "demo:\n  greeting: from-second\n  cli: from-second\n");

    try (ConfigurableApplicationContext context = start(configs.snapshots(), DemoApp.class,
        "spring.config.location=classpath:/mse-import-test/", "spring.config.name=precedence",
        "test.first=" + first, "test.second=" + second, "demo.cli=from-command-line")) {
      ConfigurableEnvironment env = context.getEnvironment();
      assertThat(env.getProperty("demo.greeting")).isEqualTo("from-second");
      assertThat(env.getProperty("demo.first-only")).isEqualTo("yes");
      assertThat(env.getProperty("demo.local-only")).isEqualTo("from-application-file");
      assertThat(env.getProperty("demo.cli")).as("the command line still wins").isEqualTo("from-command-line");
      assertThat(context.getBean(DemoApp.DemoProperties.class).getGreeting()).isEqualTo("from-second");
      assertThat(names(env)).containsSubsequence(MseConfigPropertySource.nameOf(source(env, second).configKey()),
          MseConfigPropertySource.nameOf(source(env, first).configKey()));
    }
  }

  @Test
  void aProfileSpecificFileWinsUnlessTheImportSaysPreferenceRemote() {
    String dataId = configs.publishNew("preferred.properties", "demo.greeting=from-import");
    String[] common = {"spring.config.location=classpath:/mse-import-test/", "spring.config.name=preference",
        "spring.profiles.active=dev", "test.first=" + dataId};

    try (ConfigurableApplicationContext context = start(configs.snapshots(), DemoApp.class, common)) {
      assertThat(context.getEnvironment().getProperty("demo.greeting")).isEqualTo("from-profile-file");
    }
    try (ConfigurableApplicationContext context = start(configs.snapshots(), DemoApp.class,
        concat(common, "test.query=?preference=remote"))) {
      assertThat(context.getEnvironment().getProperty("demo.greeting")).isEqualTo("from-import");
    }
  }

  @Test
  void aDocumentForAnotherProfileCountsOnlyWhenThatProfileIsActive() {
    String dataId = configs.publishNew("profiles.yaml", "demo:\n  greeting: everywhere\n---\nspring:\n  config:\n    activate:\n"
        + "      on-profile: eu\ndemo:\n  greeting: in-eu\n");

    try (ConfigurableApplicationContext context = start(configs.snapshots(), DemoApp.class, "spring.config.import=mse:" + dataId)) {
      assertThat(context.getEnvironment().getProperty("demo.greeting")).isEqualTo("everywhere");
    }
    try (ConfigurableApplicationContext context = start(configs.snapshots(), DemoApp.class, "spring.profiles.active=eu",
        "spring.config.import=mse:" + dataId)) {
      assertThat(context.getEnvironment().getProperty("demo.greeting")).isEqualTo("in-eu");
    }
  }

  @Test
  void anOptionalImportOfAMissingConfigLoadsNothing() {
    String missing = dataId("missing.yaml");

    try (ConfigurableApplicationContext context = start(configs.snapshots(), DemoApp.class,
        "spring.config.import=optional:mse:" + missing)) {
      assertThat(context.getBean(DemoApp.DemoProperties.class).getGreeting()).isEqualTo("none");
      assertThat(context.getEnvironment().getPropertySources().get("mse:public/DEFAULT_GROUP/" + missing))
          .as("an empty source keeps the place of the config, should it appear")
          .isInstanceOfSatisfying(MseConfigPropertySource.class, s -> assertThat(s.getPropertyNames()).isEmpty());
    }
  }

  @Test
  void aMissingRequiredImportFailsTheStartNamingDataIdGroupAndNamespace() {
    String missing = dataId("required.yaml");

    CapturedLog output = new CapturedLog();
    try (output) {
      assertThatThrownBy(() -> start(configs.snapshots(), DemoApp.class, "mse.namespace=staging",
        "spring.config.import=mse:" + missing + "?group=ORDERS"))
        .isInstanceOf(ConfigDataResourceNotFoundException.class)
        .hasMessageContaining("dataId=" + missing).hasMessageContaining("group=ORDERS")
        .hasMessageContaining("namespace=staging").hasMessageContaining("via location 'mse:" + missing);
    }
    assertThat(output.toString()).contains("APPLICATION FAILED TO START")
        .contains("mse config [dataId=" + missing + ", group=ORDERS, namespace=staging, server=embedded]")
        .contains("or prefix it with 'optional:'");
  }

  @Test
  void aRequiredImportThatNoServerServesFailsTheStartNamingTheConfigAndServer() throws IOException {
    String dataId = dataId("unreachable.properties");
    String address = "127.0.0.1:" + closedPort();

    CapturedLog output = new CapturedLog();
    try (output) {
      assertThatThrownBy(() -> start(configs.snapshots().resolve("unreachable"), DemoApp.class, "mse.server-addr=" + address,
        "mse.request-timeout=300ms", "spring.config.import=mse:" + dataId))
        .isInstanceOf(MseConfigDataUnavailableException.class)
        .hasMessageContaining("dataId=" + dataId).hasMessageContaining("server=" + address)
        .hasCauseInstanceOf(ServerUnavailableException.class);
    }
    assertThat(output.toString()).contains("APPLICATION FAILED TO START")
        .contains("Check that mse.server-addr names a running server");
  }

  @Test
  void anOptionalImportThatNoServerServesLoadsNothing() throws IOException {
    String dataId = dataId("unreachable.properties");

    try (ConfigurableApplicationContext context = start(configs.snapshots().resolve("unreachable-optional"), DemoApp.class,
        "mse.server-addr=127.0.0.1:" + closedPort(), "mse.request-timeout=300ms",
        "spring.config.import=optional:mse:" + dataId)) {
      assertThat(context.getBean(DemoApp.DemoProperties.class).getGreeting()).isEqualTo("none");
    }
  }

  @Test
  void contentThatIsNotValidInItsFormatFailsTheStartNamingTheConfig() {
    String dataId = configs.publishNew("broken.json", "{\"demo\": [1, 2");

    assertThatThrownBy(() -> start(configs.snapshots(), DemoApp.class, "spring.config.import=mse:" + dataId))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("dataId=" + dataId)
        .hasMessageContaining("is not valid JSON").hasMessageContaining("line 1, column 15");
  }

  @Test
  void aMalformedLocationFailsTheStartQuotingIt() {
    assertThatThrownBy(() -> start(configs.snapshots(), DemoApp.class, "spring.config.import=mse:orders.yaml?gruop=G"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'mse:orders.yaml?gruop=G'").hasMessageContaining("unknown parameter 'gruop'");
    assertThatThrownBy(() -> start(configs.snapshots(), DemoApp.class, "spring.config.import=mse:"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names no dataId");
    assertThatThrownBy(() -> start(configs.snapshots(), DemoApp.class, "spring.config.import=mse:a/b.yaml"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'mse:a/b.yaml' is invalid").hasMessageContaining("a/b.yaml");
  }

  @Test
  void withMseDisabledARequiredImportFailsAndAnOptionalOneLoadsNothing() {
    String dataId = configs.publishNew("disabled.properties", "demo.greeting=hello");

    assertThatThrownBy(() -> start(configs.snapshots(), DemoApp.class, "mse.enabled=false", "spring.config.import=mse:" + dataId))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("mse.enabled=false");
    try (ConfigurableApplicationContext context = start(configs.snapshots(), DemoApp.class, "mse.enabled=false",
        "spring.config.import=optional:mse:" + dataId)) {
      assertThat(context.getEnvironment().getProperty("demo.greeting")).isNull();
      assertThat(context.getBeansOfType(MseClient.class)).isEmpty();
    }
  }

  @Test
  void anImportedConfigsOwnImportsAndProfilesAreIgnored() {
    String dataId = configs.publishNew("nested.properties", "demo.greeting=outer\nspring.profiles.active=never\n"
        + "spring.config.import=mse:" + dataId("never-read.properties") + "\n");

    try (ConfigurableApplicationContext context = start(configs.snapshots(), DemoApp.class,
        "spring.config.import=mse:" + dataId)) {
      assertThat(context.getEnvironment().getProperty("demo.greeting")).isEqualTo("outer");
      assertThat(context.getEnvironment().getActiveProfiles()).doesNotContain("never");
    }
  }

  @Test
  void anAddressNoEngineAcceptsFailsTheStartNamingIt() {
    assertThatThrownBy(() -> start(configs.snapshots(), DemoApp.class, "mse.server-addr=bogus://somewhere",
        "spring.config.import=mse:" + dataId("any.properties")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bogus://somewhere");
  }

  private static MseConfigPropertySource source(ConfigurableEnvironment env, String dataId) {
    for (PropertySource<?> source : env.getPropertySources()) {
      if (source instanceof MseConfigPropertySource mse && mse.configKey().dataId().equals(dataId)) {
        return mse;
      }
    }
    throw new AssertionError("no property source of " + dataId + " in " + names(env));
  }

  static java.util.List<String> names(ConfigurableEnvironment env) {
    return env.getPropertySources().stream().map(PropertySource::getName).toList();
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
