package io.mse.client.spring.config;

import static io.mse.client.spring.config.ImportTesting.dataId;
import static io.mse.client.spring.config.ImportTesting.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.MseClientConfig;
import io.mse.client.spring.SpringCloudAlibabaAliases;
import io.mse.client.spring.SpringCloudAlibabaOnTheClassPath;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.context.config.ConfigDataResourceNotFoundException;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.DefaultResourceLoader;

/** Spring Cloud Alibaba's spelling: {@code nacos:} imports and {@code spring.cloud.nacos.config.*} names. */
class NacosAliasTest {

  @RegisterExtension
  static final EmbeddedConfigs configs = new EmbeddedConfigs();

  @Test
  void nacosImportsAreServedWithSpringCloudAlibabasParametersAndOneInfoLine() {
    String grouped = dataId("grouped.yaml");
    String plain = dataId("plain.properties");
    configs.publisher().config().publishConfig(grouped, "ORDERS", "demo:\n  greeting: from-orders\n");
    configs.publisher().config().publishConfig(plain, null, "other.value=1\n");

    CapturedLog log = new CapturedLog();
    try (log; ConfigurableApplicationContext context = start(configs.snapshots(), DemoApp.class,
        "spring.config.import=nacos:" + grouped + "?group=ORDERS&refreshEnabled=false,optional:nacos:/" + plain
            + ",optional:nacos:" + dataId("absent.json"))) {
      ConfigurableEnvironment env = context.getEnvironment();
      assertThat(env.getProperty("demo.greeting")).isEqualTo("from-orders");

      configs.publisher().config().publishConfig(grouped, "ORDERS", "demo:\n  greeting: changed\n");
      configs.publisher().config().publishConfig(plain, null, "other.value=2\n");

      await().atMost(Duration.ofSeconds(10)).until(() -> "2".equals(env.getProperty("other.value")));
      await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(10))
          .until(() -> "from-orders".equals(env.getProperty("demo.greeting")));
    }
    assertThat(log.count("is served by mse-client: 'nacos:' (Spring Cloud Alibaba's prefix) is read as 'mse:'"))
        .isEqualTo(1);
  }

  @Test
  void springCloudNacosConfigNamesStandInForUnsetMseProperties() throws IOException {
    String address = "127.0.0.1:" + closedPort();

    CapturedLog log = new CapturedLog();
    try (log; ConfigurableApplicationContext context = start(configs.snapshots().resolve("aliases"), DemoApp.class,
        "mse.request-timeout=300ms", "spring.cloud.nacos.config.server-addr=" + address,
        "spring.cloud.nacos.config.namespace=orders-ns", "spring.cloud.nacos.username=nacos",
        "spring.cloud.nacos.config.password=Secret-Pa55", "spring.config.import=optional:nacos:" + dataId("x"))) {
      MseClientConfig settings = context.getBean(MseClient.class).settings();
      assertThat(settings.serverAddr()).isEqualTo(address);
      assertThat(settings.namespace()).isEqualTo("orders-ns");
      assertThat(settings.username()).isEqualTo("nacos");
      assertThat(settings.password()).isEqualTo("Secret-Pa55");
    }
    assertThat(log.toString()).contains("mse-client reads spring.cloud.nacos.config.server-addr -> mse.server-addr")
        .contains("spring.cloud.nacos.username -> mse.username")
        .contains("spring.cloud.nacos.config.password -> mse.password").doesNotContain("Secret-Pa55");
  }

  @Test
  void springCloudNacosConfigDefaultsOfImportsAreReadToo() {
    String dataId = dataId("com.example.orders");
    configs.publisher().config().publishConfig(dataId, "SCA_GROUP", "demo:\n  greeting: yaml-in-sca-group\n");

    CapturedLog log = new CapturedLog();
    try (log; ConfigurableApplicationContext context = start(configs.snapshots(), DemoApp.class,
        "spring.cloud.nacos.config.group=SCA_GROUP", "spring.cloud.nacos.config.file-extension=yaml",
        "spring.cloud.nacos.config.refresh-enabled=false", "spring.config.import=mse:" + dataId)) {
      MseConfigPropertySource source = (MseConfigPropertySource) context.getEnvironment().getPropertySources()
          .get("mse:public/SCA_GROUP/" + dataId);
      assertThat(source.format()).isEqualTo(ConfigFormat.YAML);
      assertThat(source.getProperty("demo.greeting")).isEqualTo("yaml-in-sca-group");
    }
    assertThat(log.toString()).containsPattern("Loaded mse config \\[dataId=" + Pattern.quote(dataId)
        + ", group=SCA_GROUP[^\\n]*\\(YAML, 1 properties\\)\\n").as("not followed")
        .doesNotContain("group=SCA_GROUP, namespace=public, server=embedded] (YAML, 1 properties); following");
  }

  @Test
  void msePropertiesWinOverTheirAliases() {
    String dataId = dataId("both.properties");
    configs.publisher().config().publishConfig(dataId, "MSE_GROUP", "demo.greeting=from-mse-group\n");
    configs.publisher().config().publishConfig(dataId, "SCA_GROUP", "demo.greeting=from-sca-group\n");

    try (ConfigurableApplicationContext context = start(configs.snapshots(), DemoApp.class, "mse.config.group=MSE_GROUP",
        "spring.cloud.nacos.config.group=SCA_GROUP", "mse.server-addr=embedded",
        "spring.cloud.nacos.config.server-addr=127.0.0.1:1", "spring.config.import=nacos:" + dataId)) {
      assertThat(context.getEnvironment().getProperty("demo.greeting")).isEqualTo("from-mse-group");
      assertThat(context.getBean(MseClient.class).settings().serverAddr()).isEqualTo("embedded");
    }
  }

  @Test
  void withSpringCloudAlibabaOnTheClassPathNacosImportsAndAliasesAreLeftToIt() {
    String dataId = dataId("mine.properties");
    configs.publisher().config().publishConfig(dataId, null, "demo.greeting=hello\n");
    DefaultResourceLoader withAlibaba = new DefaultResourceLoader(SpringCloudAlibabaOnTheClassPath.classLoaderWith(
        SpringCloudAlibabaAliases.Part.CONFIG.classes().get(0)));

    CapturedLog log = new CapturedLog();
    try (log) {
      assertThatThrownBy(() -> ImportTesting.builder(DemoApp.class).resourceLoader(withAlibaba)
          .run("--mse.snapshot-dir=" + configs.snapshots().resolve("sca"), "--spring.config.import=nacos:" + dataId))
          .as("Spring Boot's file resolver is left with it, Spring Cloud Alibaba's own not really being there")
          .isInstanceOf(ConfigDataResourceNotFoundException.class).hasMessageContaining("file [nacos:" + dataId + "]");
    }
    assertThat(log.toString()).contains("Spring Cloud Alibaba's Nacos config is on the class path: mse-client leaves it"
        + " the 'nacos:' imports");

    try (ConfigurableApplicationContext context = ImportTesting.builder(DemoApp.class).resourceLoader(withAlibaba)
        .run("--mse.snapshot-dir=" + configs.snapshots().resolve("sca"), "--spring.cloud.nacos.config.server-addr=127.0.0.1:1",
            "--spring.cloud.nacos.config.group=SCA_GROUP", "--spring.config.import=mse:" + dataId)) {
      assertThat(context.getEnvironment().getProperty("demo.greeting")).isEqualTo("hello");
      assertThat(context.getBean(MseClient.class).settings().serverAddr()).isEqualTo("embedded");
    }
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
