package io.mse.client.nacos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.config.listener.AbstractListener;
import com.alibaba.nacos.api.exception.NacosException;
import com.alibaba.nacos.api.naming.listener.NamingEvent;
import io.mse.client.MseClient;
import io.mse.client.naming.Instance;
import io.mse.client.testing.nacos.NacosConformance;
import io.mse.client.testing.nacos.NacosServerTarget;
import io.mse.client.testing.nacos.NacosServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with the official client ({@code com.alibaba.nacos:nacos-client}, 2.x, which speaks
 * gRPC on the HTTP port + 1000) against each real server of {@link NacosServers}, both ways: instances
 * one registers are discovered, subscribed to and seen removed by the other, metadata intact; configs
 * one publishes (non-ASCII content included) reach the other's listener. Prints each propagation time
 * (System.err) for the record; bounds are loose, since they test delivery, not speed.
 */
@NacosConformance
class NacosInteropConformanceIT {

  private static final Duration VISIBLE = Duration.ofSeconds(15);
  private static final String NON_ASCII = "greeting=héllo wörld, 你好, Привет ✓";

  @TempDir
  static Path officialHome;
  @TempDir
  Path snapshots;

  private final NacosServerTarget server;
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String group = "mse-interop-" + run;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final List<Runnable> cleanups = new ArrayList<>();

  NacosInteropConformanceIT(NacosServerTarget server) {
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
  void cleanUp() throws Exception {
    for (Runnable cleanup : cleanups) {
      try {
        cleanup.run();
      } catch (RuntimeException e) {
        System.err.println("cleanup failed: " + e);
      }
    }
    for (AutoCloseable closeable : closeables) {
      closeable.close();
    }
  }

  private MseClient ours() {
    MseClient client = server.clientBuilder(snapshots).build();
    closeables.add(0, client);
    return client;
  }

  private Properties officialProperties() {
    Properties properties = new Properties();
    properties.setProperty(PropertyKeyConst.SERVER_ADDR, server.address());
    properties.setProperty(PropertyKeyConst.NAMESPACE, "");
    if (server.auth()) {
      properties.setProperty(PropertyKeyConst.USERNAME, server.username());
      properties.setProperty(PropertyKeyConst.PASSWORD, server.password());
    }
    return properties;
  }

  private com.alibaba.nacos.api.naming.NamingService officialNaming() throws NacosException {
    com.alibaba.nacos.api.naming.NamingService naming = NacosFactory.createNamingService(officialProperties());
    closeables.add(0, naming::shutDown);
    return naming;
  }

  private com.alibaba.nacos.api.config.ConfigService officialConfig() throws NacosException {
    com.alibaba.nacos.api.config.ConfigService config = NacosFactory.createConfigService(officialProperties());
    closeables.add(0, config::shutDown);
    return config;
  }

  /** Waits for {@code condition}, records when it became true, and prints the time since {@code fromNanos}. */
  private long awaitAndReport(String what, long fromNanos, BooleanSupplier condition) {
    AtomicLong at = new AtomicLong();
    await().atMost(VISIBLE).pollInterval(Duration.ofMillis(5)).until(() -> {
      if (condition.getAsBoolean()) {
        at.set(System.nanoTime());
        return true;
      }
      return false;
    });
    long millis = Duration.ofNanos(at.get() - fromNanos).toMillis();
    System.err.println(server + ": " + what + " after " + millis + " ms");
    return millis;
  }

  @Test
  void anInstanceTheOfficialClientRegistersIsDiscoveredSubscribedAndSeenRemovedByUs() throws Exception {
    String svc = "official-" + run;
    com.alibaba.nacos.api.naming.NamingService official = officialNaming();
    com.alibaba.nacos.api.naming.pojo.Instance theirs = new com.alibaba.nacos.api.naming.pojo.Instance();
    theirs.setIp("127.0.0.1");
    theirs.setPort(7801);
    theirs.setMetadata(Map.of("zone", "zone-ä", "version", "v2"));
    MseClient client = ours();
    List<io.mse.client.naming.NamingEvent> events = new CopyOnWriteArrayList<>();
    client.naming().subscribe(svc, group, events::add);
    await().atMost(VISIBLE).until(() -> !events.isEmpty());

    long registeredAt = System.nanoTime();
    official.registerInstance(svc, group, theirs);
    awaitAndReport("official register -> our subscriber", registeredAt,
        () -> events.stream().anyMatch(e -> e.instances().size() == 1));
    Instance seen = client.naming().getAllInstances(svc, group).get(0);
    assertThat(seen.port()).isEqualTo(7801);
    assertThat(seen.metadata()).containsEntry("zone", "zone-ä").containsEntry("version", "v2");

    long deregisteredAt = System.nanoTime();
    official.deregisterInstance(svc, group, theirs);
    awaitAndReport("official deregister of the last instance -> our subscriber", deregisteredAt,
        () -> !events.isEmpty() && events.get(events.size() - 1).instances().isEmpty());
    assertThat(events.get(events.size() - 1).removed()).extracting(Instance::port).containsExactly(7801);
    assertThat(client.naming().getAllInstances(svc, group)).isEmpty();
  }

  @Test
  void anInstanceWeRegisterIsSeenByTheOfficialSubscriberWithItsMetadata() throws Exception {
    String svc = "ours-" + run;
    com.alibaba.nacos.api.naming.NamingService official = officialNaming();
    List<List<com.alibaba.nacos.api.naming.pojo.Instance>> seen = new CopyOnWriteArrayList<>();
    official.subscribe(svc, group, event -> {
      if (event instanceof NamingEvent naming) {
        seen.add(naming.getInstances());
      }
    });
    MseClient client = ours();
    Instance ours = Instance.builder().ip("127.0.0.1").port(7802).weight(2)
        .metadata(Map.of("zone", "zone-ä", "owner", "mse-client")).build();

    long registeredAt = System.nanoTime();
    client.naming().registerInstance(svc, group, ours);
    cleanups.add(() -> client.naming().deregisterInstance(svc, group, ours));
    awaitAndReport("our register -> official subscriber", registeredAt,
        () -> seen.stream().anyMatch(list -> list.size() == 1));
    com.alibaba.nacos.api.naming.pojo.Instance theirView = seen.stream().filter(list -> list.size() == 1)
        .findFirst().orElseThrow().get(0);
    assertThat(theirView.getPort()).isEqualTo(7802);
    assertThat(theirView.getWeight()).isEqualTo(2.0);
    assertThat(theirView.getMetadata()).containsEntry("zone", "zone-ä").containsEntry("owner", "mse-client");

    long deregisteredAt = System.nanoTime();
    client.naming().deregisterInstance(svc, group, ours);
    awaitAndReport("our deregister of the last instance -> official subscriber", deregisteredAt,
        () -> !seen.isEmpty() && seen.get(seen.size() - 1).isEmpty());
  }

  @Test
  void aConfigTheOfficialClientPublishesReachesOurListener() throws Exception {
    String dataId = "official-" + run + ".properties";
    com.alibaba.nacos.api.config.ConfigService official = officialConfig();
    cleanups.add(() -> removeQuietly(official, dataId));
    MseClient client = ours();
    List<String> received = new CopyOnWriteArrayList<>();
    client.config().addListener(dataId, group, event -> received.add(event.content()));
    // Its gRPC connection opens on the first request: open it before timing.
    assertThat(official.getConfig(dataId, group, 5000)).isNull();

    long publishedAt = System.nanoTime();
    assertThat(official.publishConfig(dataId, group, NON_ASCII)).isTrue();
    awaitAndReport("official publish -> our listener", publishedAt, () -> received.contains(NON_ASCII));
    assertThat(client.config().getConfig(dataId, group)).isEqualTo(NON_ASCII);
  }

  @Test
  void aConfigWePublishReachesTheOfficialListener() throws Exception {
    String dataId = "ours-" + run + ".properties";
    com.alibaba.nacos.api.config.ConfigService official = officialConfig();
    List<String> received = new CopyOnWriteArrayList<>();
    official.addListener(dataId, group, new AbstractListener() {
      @Override
      public void receiveConfigInfo(String content) {
        received.add(content);
      }
    });
    MseClient client = ours();
    cleanups.add(() -> client.config().removeConfig(dataId, group));

    long publishedAt = System.nanoTime();
    assertThat(client.config().publishConfig(dataId, group, NON_ASCII)).isTrue();
    awaitAndReport("our publish -> official listener", publishedAt, () -> received.contains(NON_ASCII));
    assertThat(official.getConfig(dataId, group, 5000)).isEqualTo(NON_ASCII);
  }

  private void removeQuietly(com.alibaba.nacos.api.config.ConfigService official, String dataId) {
    try {
      official.removeConfig(dataId, group);
    } catch (NacosException e) {
      System.err.println("cleanup failed: " + e);
    }
  }
}
