package io.mse.client.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.mse.client.naming.Instance;
import io.mse.client.spring.SpringCloudAlibabaAliases.Part;
import io.mse.client.spring.SpringCloudAlibabaAliases.Resolved;
import io.mse.client.spring.config.CapturedLog;
import io.mse.client.spring.registry.MseRegistration;
import io.mse.client.spring.registry.MseRegistrationAutoConfiguration;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.DefaultResourceLoader;

/** Spring Cloud Alibaba's {@code spring.cloud.nacos.*} names as aliases of {@code mse.*}: the table and a real start. */
class SpringCloudAlibabaAliasesTest {

  @TempDir
  Path snapshots;

  private static Resolved resolve(Set<Part> present, String... properties) {
    Map<String, String> map = new HashMap<>();
    for (String property : properties) {
      int equals = property.indexOf('=');
      map.put(property.substring(0, equals), property.substring(equals + 1));
    }
    return SpringCloudAlibabaAliases.resolve(new Binder(new MapConfigurationPropertySource(map)), null, present);
  }

  @Test
  void discoveryNamesStandInForUnsetMsePropertiesAndMseWins() {
    Resolved resolved = resolve(Set.of(), "spring.cloud.nacos.discovery.server-addr=10.0.0.1:8848",
        "spring.cloud.nacos.discovery.cluster-name=east", "spring.cloud.nacos.discovery.ip=10.0.0.9",
        "spring.cloud.nacos.discovery.port=8081", "spring.cloud.nacos.discovery.weight=3",
        "spring.cloud.nacos.discovery.ephemeral=false", "spring.cloud.nacos.discovery.service=orders",
        "spring.cloud.nacos.discovery.register-enabled=false", "spring.cloud.nacos.discovery.network-interface=eth1",
        "spring.cloud.nacos.discovery.group=SHOP", "mse.discovery.group=MINE", "mse.discovery.weight=7");

    assertThat(resolved.values()).containsOnly(Map.entry("mse.server-addr", "10.0.0.1:8848"),
        Map.entry("mse.discovery.cluster", "east"), Map.entry("mse.discovery.ip", "10.0.0.9"),
        Map.entry("mse.discovery.port", "8081"), Map.entry("mse.discovery.ephemeral", "false"),
        Map.entry("mse.discovery.service", "orders"), Map.entry("mse.discovery.register-enabled", "false"),
        Map.entry("mse.discovery.network-interface", "eth1"));
    assertThat(resolved.used()).extracting(SpringCloudAlibabaAliases.Alias::name)
        .doesNotContain("spring.cloud.nacos.discovery.group", "spring.cloud.nacos.discovery.weight");
    assertThat(resolved.conflicts()).isEmpty();
  }

  @Test
  void metadataFillsTheKeysMseDoesNotSet() {
    Resolved resolved = resolve(Set.of(), "spring.cloud.nacos.discovery.metadata.version=v2",
        "spring.cloud.nacos.discovery.metadata.zone=a", "mse.discovery.metadata.zone=b");

    assertThat(resolved.values()).containsOnly(Map.entry("mse.discovery.metadata[version]", "v2"));
    assertThat(SpringCloudAlibabaAliases.usedLine(resolved.used().get(0)))
        .isEqualTo("mse-client reads spring.cloud.nacos.discovery.metadata.* -> mse.discovery.metadata.*"
            + " (Spring Cloud Alibaba's name; mse.discovery.metadata is not set)");
  }

  @Test
  void configWinsOverDiscoveryOverSharedAndADifferenceIsReportedWithoutValues() {
    Resolved resolved = resolve(Set.of(), "spring.cloud.nacos.server-addr=shared:8848",
        "spring.cloud.nacos.discovery.password=Discovery-Secret", "spring.cloud.nacos.config.password=Config-Secret",
        "spring.cloud.nacos.discovery.namespace=dev", "spring.cloud.nacos.namespace=dev",
        "spring.cloud.nacos.discovery.port=-1");

    assertThat(resolved.values()).containsOnly(Map.entry("mse.server-addr", "shared:8848"),
        Map.entry("mse.password", "Config-Secret"), Map.entry("mse.namespace", "dev"));
    assertThat(resolved.conflicts()).singleElement().asString()
        .startsWith("spring.cloud.nacos.config.password and spring.cloud.nacos.discovery.password are set to"
            + " different values").doesNotContain("Secret");
  }

  @Test
  void thePartsOfSpringCloudAlibabaOnTheClassPathReadTheirOwnNames() {
    String[] properties = {"spring.cloud.nacos.server-addr=shared:8848", "spring.cloud.nacos.discovery.ip=10.0.0.9",
        "spring.cloud.nacos.config.group=CONFIG"};

    assertThat(resolve(EnumSet.of(Part.DISCOVERY, Part.SHARED), properties).values())
        .containsOnly(Map.entry("mse.config.group", "CONFIG"));
    assertThat(resolve(EnumSet.of(Part.CONFIG, Part.SHARED), properties).values())
        .containsOnly(Map.entry("mse.discovery.ip", "10.0.0.9"));
    assertThat(SpringCloudAlibabaAliases.present(getClass().getClassLoader())).isEmpty();
    assertThat(SpringCloudAlibabaAliases.present(SpringCloudAlibabaOnTheClassPath.classLoaderWith(Part.DISCOVERY.classes().get(0))))
        .containsExactlyInAnyOrder(Part.DISCOVERY, Part.SHARED);
  }

  @Test
  void aStartedApplicationRegistersWithTheAliasesAndNamesEachOnceAtInfo() {
    CapturedLog log = new CapturedLog();
    try (log; ConfigurableApplicationContext context = start(null, "spring.application.name=sca-app",
        "spring.cloud.nacos.discovery.group=SHOP", "spring.cloud.nacos.discovery.cluster-name=east",
        "spring.cloud.nacos.discovery.ip=198.51.100.7", "spring.cloud.nacos.discovery.port=18080",
        "spring.cloud.nacos.discovery.weight=3", "spring.cloud.nacos.discovery.metadata.version=v2",
        "spring.cloud.nacos.discovery.ephemeral=false", "spring.cloud.nacos.discovery.service=orders",
        "spring.cloud.nacos.discovery.namespace=", "mse.discovery.weight=5")) {
      MseRegistration registration = context.getBean(MseRegistration.class);
      assertThat(registration.getServiceId()).isEqualTo("orders");
      assertThat(registration.getGroup()).isEqualTo("SHOP");
      assertThat(registration.getHost()).isEqualTo("198.51.100.7");
      assertThat(registration.getPort()).isEqualTo(18080);
      assertThat(registration.getWeight()).as("mse.* wins").isEqualTo(5.0);
      Instance instance = registration.toInstance();
      assertThat(instance.clusterName()).isEqualTo("east");
      assertThat(instance.ephemeral()).isFalse();
      assertThat(instance.metadata()).containsEntry("version", "v2");
      assertThat(context.getBean(MseProperties.class).getDiscovery().getGroup()).isEqualTo("SHOP");
    }
    String text = log.toString();
    for (String alias : List.of("group -> mse.discovery.group", "cluster-name -> mse.discovery.cluster",
        "ip -> mse.discovery.ip", "port -> mse.discovery.port", "metadata.* -> mse.discovery.metadata.*",
        "ephemeral -> mse.discovery.ephemeral", "service -> mse.discovery.service", "namespace -> mse.namespace")) {
      assertThat(log.count("mse-client reads spring.cloud.nacos.discovery." + alias)).as(alias).isEqualTo(1);
    }
    assertThat(text).doesNotContain("spring.cloud.nacos.discovery.weight ->");
  }

  @Test
  void withSpringCloudAlibabasDiscoveryOnTheClassPathTheDiscoveryAliasesStandBackAndSaySo() {
    CapturedLog log = new CapturedLog();
    try (log; ConfigurableApplicationContext context = start(SpringCloudAlibabaOnTheClassPath.classLoaderWith(Part.DISCOVERY.classes().get(0)),
        "spring.application.name=sca-app", "spring.cloud.nacos.discovery.group=SHOP",
        "spring.cloud.nacos.discovery.port=18080")) {
      assertThat(context.getBean(MseProperties.class).getDiscovery().getGroup()).isEqualTo("DEFAULT_GROUP");
      assertThat(context.getBean(MseRegistration.class).getPort()).isZero();
      assertThat(context.getEnvironment().getPropertySources().contains(SpringCloudAlibabaAliases.PROPERTY_SOURCE_NAME))
          .isFalse();
    }
    assertThat(log.count("Spring Cloud Alibaba's Nacos discovery is on the class path: mse-client does"
        + " not read spring.cloud.nacos.discovery.*")).isEqualTo(1);
    assertThat(log.toString()).doesNotContain("mse-client reads spring.cloud.nacos");
  }

  private ConfigurableApplicationContext start(ClassLoader classLoader, String... properties) {
    SpringApplicationBuilder builder = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
        .bannerMode(Banner.Mode.OFF).logStartupInfo(false);
    if (classLoader != null) {
      builder.resourceLoader(new DefaultResourceLoader(classLoader));
    }
    String[] args = new String[properties.length + 1];
    args[0] = "--mse.snapshot-dir=" + snapshots;
    for (int i = 0; i < properties.length; i++) {
      args[i + 1] = "--" + properties[i];
    }
    return builder.run(args);
  }

  /** mse-client's client and registration. */
  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration({MseAutoConfiguration.class, MseRegistrationAutoConfiguration.class})
  static class App {}
}
