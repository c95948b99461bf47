package io.mse.client.zookeeper.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.MseClientConfig;
import io.mse.client.ServerUnavailableException;
import io.mse.client.naming.Instance;
import io.mse.client.naming.ServiceKey;
import io.mse.client.spi.EngineContext;
import io.mse.client.zookeeper.ZooKeeperEngineProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What happens to registrations and watches when a session dies, and when a client comes back with a new one. */
class SessionExpiryIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  static Path dataDir;
  @TempDir
  static Path snapshots;

  static MseClient observer;

  @BeforeAll
  static void startObserver() {
    observer = MseClient.builder().embeddedDataDir(dataDir).snapshotDir(snapshots.resolve("observer")).build();
  }

  @AfterAll
  static void closeObserver() {
    observer.close();
  }

  @Test
  void aClientCutOffPastItsSessionLosesItsEphemeralInstancesThenRegistersThemAgainOnReturn() throws Exception {
    String server = EmbeddedZooKeeperServers.find(dataDir).orElseThrow().connectString();
    try (TcpProxy proxy = new TcpProxy(Integer.parseInt(server.substring(server.lastIndexOf(':') + 1)));
        MseClient cutOff = MseClient.builder().serverAddr("zookeeper://127.0.0.1:" + proxy.port())
            .requestTimeout(Duration.ofSeconds(1)).property(ZooKeeperEngineProvider.SESSION_TIMEOUT_PROPERTY, "4000")
            .snapshotDir(snapshots.resolve("cut-off")).build()) {
      cutOff.naming().registerInstance("orders", Instance.of("10.2.0.1", 80));
      cutOff.naming().registerInstance("orders", Instance.builder().ip("10.2.0.2").port(80).ephemeral(false).build());
      await().atMost(WAIT).until(() -> observer.naming().getAllInstances("orders").size() == 2);

      proxy.cut();

      long start = System.nanoTime();
      assertThatThrownBy(() -> cutOff.config().getConfig("never-read.properties", "DEFAULT_GROUP"))
          .isInstanceOf(ServerUnavailableException.class).hasMessageContaining("127.0.0.1:" + proxy.port());
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
      await().atMost(WAIT).untilAsserted(() -> assertThat(observer.naming().getAllInstances("orders"))
          .extracting(Instance::address).containsExactly("10.2.0.2:80"));

      proxy.restore();

      await().atMost(WAIT).untilAsserted(() -> assertThat(observer.naming().getAllInstances("orders"))
          .extracting(Instance::address).containsExactly("10.2.0.1:80", "10.2.0.2:80"));
      cutOff.config().publishConfig("after-return.properties", "DEFAULT_GROUP", "back");
      assertThat(observer.config().getConfig("after-return.properties", "DEFAULT_GROUP")).isEqualTo("back");
    }
  }

  @Test
  void anExpiredSessionIsReplacedAndItsEphemeralsAndWatchesCarryOver() throws Exception {
    List<List<Instance>> lists = new CopyOnWriteArrayList<>();
    List<String> contents = new CopyOnWriteArrayList<>();
    MseClientConfig settings = MseClient.builder().embeddedDataDir(dataDir).snapshotDir(snapshots.resolve("engine"))
        .property(ZooKeeperEngineProvider.SESSION_TIMEOUT_PROPERTY, "4000").toConfig();
    ServiceKey payments = new ServiceKey("", "DEFAULT_GROUP", "payments");
    try (ZooKeeperEngine engine = (ZooKeeperEngine) new ZooKeeperEngineProvider().create(new EngineContext(settings,
        "expiry", (key, data) -> {
          contents.add(String.valueOf(data == null ? null : data.content()));
          return null;
        },
        (service, instances, authoritative) -> lists.add(instances)))) {
      engine.naming().registerInstance(payments, Instance.of("10.3.0.1", 80));
      engine.naming().subscribe(payments);
      engine.config().watch(io.mse.client.config.ConfigKey.of("watched.properties", "DEFAULT_GROUP"), null);
      String path = new ZooKeeperLayout(ZooKeeperLayout.DEFAULT_ROOT).instance(payments, Instance.of("10.3.0.1", 80));
      long oldSession = engine.session().currentSessionId();
      assertThat(owner(path)).isEqualTo(oldSession);

      engine.session().curator().getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();

      await().atMost(WAIT).until(() -> engine.session().currentSessionId() != oldSession
          && owner(path) == engine.session().currentSessionId());
      observer.naming().registerInstance("payments", Instance.of("10.3.0.2", 80));
      observer.config().publishConfig("watched.properties", "DEFAULT_GROUP", "after expiry");
      await().atMost(WAIT).until(() -> !lists.isEmpty() && lists.get(lists.size() - 1).size() == 2);
      await().atMost(WAIT).until(() -> contents.contains("after expiry"));
      assertThat(engine.naming().getInstances(payments, Duration.ofSeconds(1))).extracting(Instance::address)
          .containsExactlyInAnyOrder("10.3.0.1:80", "10.3.0.2:80");
    } finally {
      observer.naming().deregisterInstance("payments", Instance.of("10.3.0.2", 80));
    }
  }

  @Test
  void aReplayThatFailsOnTheNewSessionIsRetriedUntilTheInstanceIsBack() throws Exception {
    MseClientConfig settings = MseClient.builder().embeddedDataDir(dataDir).snapshotDir(snapshots.resolve("retry"))
        .property(ZooKeeperEngineProvider.SESSION_TIMEOUT_PROPERTY, "4000").toConfig();
    ServiceKey refunds = new ServiceKey("", "DEFAULT_GROUP", "refunds");
    Instance instance = Instance.of("10.9.0.1", 80);
    ZooKeeperLayout layout = new ZooKeeperLayout(ZooKeeperLayout.DEFAULT_ROOT);
    String servicePath = layout.service(refunds);
    String path = layout.instance(refunds, instance);
    var admin = Probe.engine().session().curator();
    try (ZooKeeperEngine engine = ZooKeeperEngine.start(new EngineContext(settings, "retry", (k, c) -> null,
        (s, i, a) -> { }))) {
      engine.naming().registerInstance(refunds, instance);
      // A transient refusal on the new session: nobody may create children under the service for now.
      admin.setACL().withACL(List.of(new org.apache.zookeeper.data.ACL(
          org.apache.zookeeper.ZooDefs.Perms.READ | org.apache.zookeeper.ZooDefs.Perms.DELETE
              | org.apache.zookeeper.ZooDefs.Perms.ADMIN,
          org.apache.zookeeper.ZooDefs.Ids.ANYONE_ID_UNSAFE))).forPath(servicePath);
      long oldSession = engine.session().currentSessionId();
      engine.session().curator().getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
      ZooKeeperNamingEngine naming = (ZooKeeperNamingEngine) engine.naming();
      await().atMost(WAIT).until(() -> naming.replayFailures() > 0);
      assertThat(engine.session().currentSessionId()).isNotEqualTo(oldSession);
      assertThat(owner(path)).isNotEqualTo(engine.session().currentSessionId());

      admin.setACL().withACL(org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE).forPath(servicePath);

      await().atMost(WAIT).until(() -> owner(path) == engine.session().currentSessionId());
    }
  }

  /** Returns the ephemeral owner of a node, -1 when absent, read through the observer's own server. */
  private static long owner(String path) throws Exception {
    ZooKeeperEngine probe = Probe.engine();
    Stat stat = probe.session().curator().checkExists().forPath(path);
    return stat == null ? -1 : stat.getEphemeralOwner();
  }

  /** A second engine on the same server, only for reading node metadata. */
  private static final class Probe {
    private static ZooKeeperEngine engine;

    static synchronized ZooKeeperEngine engine() {
      if (engine == null) {
        MseClientConfig settings = MseClient.builder().embeddedDataDir(dataDir).snapshotDir(snapshots.resolve("probe"))
            .toConfig();
        engine = ZooKeeperEngine.start(new EngineContext(settings, "probe", (k, c) -> null, (s, i, a) -> { }));
      }
      return engine;
    }

    static synchronized void close() {
      if (engine != null) {
        engine.close();
        engine = null;
      }
    }
  }

  @AfterAll
  static void closeProbe() {
    Probe.close();
  }
}
