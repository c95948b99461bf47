package io.mse.client.dubbo.nacos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.dubbo.registry.ClientSettings;
import io.mse.client.dubbo.registry.Figures;
import io.mse.client.dubbo.testing.DubboApp;
import io.mse.client.dubbo.testing.Greeter;
import io.mse.client.naming.Instance;
import io.mse.client.testing.nacos.NacosConformance;
import io.mse.client.testing.nacos.NacosServerTarget;
import io.mse.client.testing.nacos.NacosServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wire compatibility with Dubbo 3.3.6's own Nacos extensions ({@code nacos://}: dubbo-registry-nacos,
 * dubbo-metadata-report-nacos and dubbo-configcenter-nacos, over the official nacos-client 2.5.1, which
 * speaks gRPC to the server) on each real server of {@link NacosServers}, both ways and at both levels:
 * a provider of one is discovered and called by a consumer of the other. Each run uses a Nacos group of
 * its own ({@code group} of the registry URL, which both sides read the same way); the interface mapping
 * (group {@code mapping}, dataId the interface) is shared by nature and removed at the end.
 */
@NacosConformance
class DubboNacosInteropIT {

  private static final Duration CALLABLE = Duration.ofSeconds(60);
  private static final Map<String, String> FORCE_INTERFACE = Map.of("migration.step", "FORCE_INTERFACE");
  private static final Map<String, String> FORCE_APPLICATION = Map.of("migration.step", "FORCE_APPLICATION");

  @TempDir
  static Path officialHome;
  @TempDir
  Path dir;

  private final NacosServerTarget server;
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String group = "mse-dubbo-" + run;
  private final List<DubboApp> apps = new ArrayList<>();

  DubboNacosInteropIT(NacosServerTarget server) {
    this.server = server;
  }

  /** Keeps the official client's snapshots and logs out of the user's home. */
  @BeforeAll
  static void officialClientFilesInATempDir() {
    System.setProperty("JM.SNAPSHOT.PATH", officialHome.toString());
    System.setProperty("JM.LOG.PATH", officialHome.resolve("logs").toString());
    System.setProperty("nacos.logging.default.config.enabled", "false");
  }

  @AfterEach
  void stopAppsAndRemoveTheMapping() {
    for (int i = apps.size() - 1; i >= 0; i--) {
      apps.get(i).close();
    }
    try (MseClient client = operator()) {
      client.config().removeConfig(Greeter.class.getName(), "mapping");
    }
  }

  private MseClient operator() {
    return server.clientBuilder(dir.resolve("operator-" + System.nanoTime())).build();
  }

  /** The registry parameters both kinds share: the run's group, credentials, no local file caches. */
  private Map<String, String> registryParameters(String who) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("group", group);
    if (server.auth()) {
      params.put("username", server.username());
      params.put("password", server.password());
    }
    params.put(ClientSettings.SNAPSHOT_DIR, dir.resolve(who).toString());
    params.put(ClientSettings.REQUEST_TIMEOUT_MILLIS, "5000");
    return params;
  }

  private String address(String scheme) {
    return scheme + "://" + server.address();
  }

  private DubboApp start(DubboApp.Builder builder) {
    DubboApp app = builder.start();
    apps.add(app);
    return app;
  }

  private DubboApp provider(String scheme, String mode) {
    return start(DubboApp.named("it-provider-" + scheme + "-" + run).registry(address(scheme), registryParameters("p"))
        .registerMode(mode).provide(scheme + "-provider", "1.0.0", null));
  }

  private DubboApp consumer(String scheme, Map<String, String> migration) {
    return start(DubboApp.named("it-consumer-" + scheme + "-" + run).registry(address(scheme), registryParameters("c"))
        .consume("greeter", "1.0.0", null, migration));
  }

  private void awaitCall(DubboApp consumer, String expected, String what) {
    long start = System.nanoTime();
    await().atMost(CALLABLE).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
        .until(() -> consumer.greeter().greet("x").equals(expected + ":x"));
    Figures.record(server + ", " + what + ": consumer started after the provider -> first successful call",
        System.nanoTime() - start);
  }

  @Test
  void interfaceLevelANacosProviderIsCalledByAnMseConsumer() {
    DubboApp provider = provider("nacos", "interface");
    // what Dubbo's own registry wrote, read by mse-client
    try (MseClient client = operator()) {
      await().atMost(CALLABLE).until(() -> !client.naming()
          .getAllInstances("providers:" + Greeter.class.getName() + ":1.0.0:", group).isEmpty());
      Instance written = client.naming().getAllInstances("providers:" + Greeter.class.getName() + ":1.0.0:", group)
          .get(0);
      assertThat(written.address()).isEqualTo("127.0.0.1:" + provider.port());
      assertThat(written.metadata()).containsEntry("category", "providers").containsEntry("protocol", "tri")
          .containsEntry("path", Greeter.class.getName()).containsEntry("side", "provider")
          .containsEntry("version", "1.0.0");
    }
    awaitCall(consumer("mse", FORCE_INTERFACE), "nacos-provider", "interface level, nacos:// provider, mse:// consumer");
  }

  @Test
  void interfaceLevelAnMseProviderIsCalledByANacosConsumer() {
    provider("mse", "interface");
    awaitCall(consumer("nacos", FORCE_INTERFACE), "mse-provider", "interface level, mse:// provider, nacos:// consumer");
  }

  @Test
  void applicationLevelANacosProviderIsCalledByAnMseConsumer() {
    DubboApp provider = provider("nacos", "instance");
    try (MseClient client = operator()) {
      String app = "it-provider-nacos-" + run;
      await().atMost(CALLABLE).until(() -> !client.naming().getAllInstances(app, group).isEmpty());
      assertThat(client.naming().getAllInstances(app, group).get(0).metadata())
          .containsKeys("dubbo.metadata.revision", "dubbo.endpoints", "dubbo.metadata-service.url-params")
          .containsEntry("dubbo.metadata.storage-type", "local");
      assertThat(client.config().getConfig(Greeter.class.getName(), "mapping")).contains(app);
      assertThat(provider.port()).isPositive();
    }
    awaitCall(consumer("mse", FORCE_APPLICATION), "nacos-provider", "application level, nacos:// provider, mse:// consumer");
  }

  @Test
  void applicationLevelAnMseProviderIsCalledByANacosConsumer() {
    provider("mse", "instance");
    awaitCall(consumer("nacos", FORCE_APPLICATION), "mse-provider", "application level, mse:// provider, nacos:// consumer");
  }

  /**
   * {@code register-consumer-url=true} on both kinds: each consumer registers its URL (port 0) in a Nacos group
   * of its own (on one host, both would be the same instance, 127.0.0.1:0), and each is listed by the other
   * kind's client under the same name with the same metadata; each one's shutdown removes it.
   */
  @Test
  void consumersRegisteredByMseAndByNacosAreListedTheSameWayByTheOtherSide() throws Exception {
    String name = "consumers:" + Greeter.class.getName() + ":1.0.0:";
    String mseGroup = group + "-mse";
    String nacosGroup = group + "-nacos";
    DubboApp mseConsumer = start(DubboApp.named("it-consumer-" + run).registry(address("mse"), registryParameters("cm"))
        .registryParameter("group", mseGroup).registryParameter("register-consumer-url", "true")
        .consume("greeter", "1.0.0", null, FORCE_INTERFACE));
    DubboApp nacosConsumer = start(DubboApp.named("it-consumer-" + run).registry(address("nacos"), registryParameters("cn"))
        .registryParameter("group", nacosGroup).registryParameter("register-consumer-url", "true")
        .consume("greeter", "1.0.0", null, FORCE_INTERFACE));
    com.alibaba.nacos.api.naming.NamingService official = officialNaming();
    try (MseClient client = operator()) {
      // what mse:// registered, as the official client (Dubbo's nacos:// side) lists it
      await().atMost(CALLABLE).until(() -> !official.getAllInstances(name, mseGroup).isEmpty());
      com.alibaba.nacos.api.naming.pojo.Instance byMse = official.getAllInstances(name, mseGroup).get(0);
      assertThat(byMse.getIp()).isEqualTo("127.0.0.1");
      assertThat(byMse.getPort()).isZero();
      assertThat(byMse.isHealthy()).isTrue();
      // what nacos:// registered, as mse-client lists it
      await().atMost(CALLABLE).until(() -> !client.naming().getAllInstances(name, nacosGroup).isEmpty());
      Instance byNacos = client.naming().getAllInstances(name, nacosGroup).get(0);
      assertThat(byNacos.address()).isEqualTo("127.0.0.1:0");
      assertThat(byNacos.isConsumerRegistration()).isTrue();
      assertThat(byNacos.isSelectable()).isFalse();
      assertThat(byNacos.metadata()).containsEntry("side", "consumer").containsEntry("category", "consumers")
          .containsEntry("protocol", "consumer").containsEntry("path", Greeter.class.getName())
          .containsEntry("interface", Greeter.class.getName()).containsEntry("version", "1.0.0");
      // the same metadata both ways, but for when each was made and each app's metadata-service port (the
      // harness gives each app its own)
      Map<String, String> mseWrote = new LinkedHashMap<>(byMse.getMetadata());
      Map<String, String> nacosWrote = new LinkedHashMap<>(byNacos.metadata());
      for (String differs : List.of("timestamp", "metadata-service-port")) {
        assertThat(mseWrote.remove(differs)).isNotBlank();
        assertThat(nacosWrote.remove(differs)).isNotBlank();
      }
      assertThat(mseWrote).hasSizeGreaterThan(15).isEqualTo(nacosWrote);
      assertThat(client.naming().getAllInstances(name, mseGroup)).singleElement()
          .satisfies(i -> assertThat(i.metadata()).isEqualTo(byMse.getMetadata()));

      // each one's shutdown takes its registration out
      mseConsumer.close();
      await().atMost(CALLABLE).until(() -> official.getAllInstances(name, mseGroup).isEmpty());
      nacosConsumer.close();
      await().atMost(CALLABLE).until(() -> client.naming().getAllInstances(name, nacosGroup).isEmpty());
    } finally {
      official.shutDown();
    }
  }

  /** The official Nacos client (gRPC), as Dubbo's nacos:// registry reads the server. */
  private com.alibaba.nacos.api.naming.NamingService officialNaming() throws Exception {
    java.util.Properties properties = new java.util.Properties();
    properties.setProperty("serverAddr", server.address());
    if (server.auth()) {
      properties.setProperty("username", server.username());
      properties.setProperty("password", server.password());
    }
    return com.alibaba.nacos.api.NacosFactory.createNamingService(properties);
  }

  @Test
  void mseOnBothSidesAtBothLevels() {
    DubboApp consumer = start(DubboApp.named("it-consumer-mse-" + run).registry(address("mse"), registryParameters("c"))
        .consume("interface", "1.0.0", null, FORCE_INTERFACE).consume("application", "1.0.0", null, FORCE_APPLICATION));
    long registered;
    DubboApp provider = provider("mse", "all");
    registered = System.nanoTime();
    await().atMost(CALLABLE).pollInterval(Duration.ofMillis(10)).ignoreExceptions()
        .until(() -> consumer.greeter("interface").greet("x").equals("mse-provider:x"));
    Figures.record(server + ", mse:// both sides, interface level: provider registered -> first successful call",
        System.nanoTime() - registered);
    await().atMost(CALLABLE).pollInterval(Duration.ofMillis(10)).ignoreExceptions()
        .until(() -> consumer.greeter("application").greet("x").equals("mse-provider:x"));
    Figures.record(server + ", mse:// both sides, application level: provider registered -> first successful call",
        System.nanoTime() - registered);
    assertThat(provider.port()).isPositive();
  }
}
