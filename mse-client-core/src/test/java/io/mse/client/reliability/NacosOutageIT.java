package io.mse.client.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.ServerUnavailableException;
import io.mse.client.config.ConfigChangeEvent;
import io.mse.client.internal.SnapshotStore;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingEvent;
import io.mse.client.naming.ServiceKey;
import io.mse.client.testing.FaultProxy;
import io.mse.client.testing.LogCapture;
import io.mse.client.testing.nacos.NacosServerProcess;
import io.mse.client.testing.nacos.NacosServerTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server goes away, for real: a Nacos 2.5.1 server of this class's own (port 38848 when free; the
 * shared servers are never touched) behind the {@link FaultProxy} for a network partition, frozen
 * with SIGSTOP, and stopped and started again with fresh data. What must hold: the client starts
 * without its server and serves snapshots, one WARN per kind; cached configs and instance lists stay
 * and are read without I/O while the server is away; no empty instance list reaches a subscriber;
 * long polls and subscriptions resume by themselves, each config changed meanwhile delivered once
 * with its final value; ephemeral instances are back on a server that forgot them.
 *
 * <p>Skipped where no server can be started ({@link NacosServerProcess#assumeAvailable()}). Every
 * wait is bounded; the whole class takes a few minutes (a 35 s freeze, a restart).
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NacosOutageIT {

  /** How long the client may take to notice a server that is back: the longest back-off and a poll. */
  private static final Duration RECOVERY = Duration.ofSeconds(90);
  private static final Duration VISIBLE = Duration.ofSeconds(30);
  private static final String GROUP = "DEFAULT_GROUP";

  private static NacosServerProcess server;

  @TempDir
  Path dir;

  @BeforeAll
  static void startServer() {
    server = NacosServerProcess.start("2.5.1", 38848, null, Map.of());
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A client straight to the server (the "operator" making changes while the client under test cannot). */
  private MseClient admin() {
    return server.target().clientBuilder(dir.resolve("admin-" + UUID.randomUUID())).build();
  }

  /** The instances the server holds now, read by a fresh client (no cache, no snapshot). */
  private List<Instance> onServer(String service) {
    try (MseClient fresh = server.target().clientBuilder(dir.resolve("fresh-" + UUID.randomUUID()))
        .property("nacos.pushEnabled", "false").build()) {
      return fresh.naming().getAllInstances(service, GROUP);
    }
  }

  private static Instance persistent(int port) {
    return Instance.builder().ip("127.0.0.1").port(port).ephemeral(false).build();
  }

  @Test
  @Order(1)
  void unreachableAtStartServesSnapshotsWarnsOncePerKindAndCatchesUpWhenTheServerReturns() throws Exception {
    List<String> keys = IntStream.range(0, 3).mapToObj(i -> unique("start-" + i) + ".properties").toList();
    String service = unique("start-svc");
    Path snapshots = dir.resolve("snapshots");
    try (FaultProxy proxy = FaultProxy.start(server.port()); MseClient admin = admin()) {
      keys.forEach(key -> assertThat(admin.config().publishConfig(key, GROUP, "v=1")).isTrue());
      admin.naming().registerInstance(service, GROUP, persistent(7001));
      // a first run through the proxy leaves snapshots behind
      try (MseClient first = MseClient.builder().serverAddr(proxy.address()).snapshotDir(snapshots).build()) {
        await().atMost(VISIBLE).untilAsserted(() -> keys.forEach(
            key -> assertThat(first.config().getConfig(key, GROUP)).isEqualTo("v=1")));
        await().atMost(VISIBLE).until(() -> first.naming().getAllInstances(service, GROUP).size() == 1);
        SnapshotStore store = new SnapshotStore(snapshots, proxy.address(), "");
        await().until(() -> Files.exists(store.serviceFile(new ServiceKey("", GROUP, service)))
            && keys.stream().allMatch(key -> store.readConfig(io.mse.client.config.ConfigKey.of(key, GROUP)).isPresent()));
      }

      proxy.refuse();
      Map<String, List<ConfigChangeEvent>> events = new ConcurrentHashMap<>();
      List<NamingEvent> naming = new CopyOnWriteArrayList<>();
      Instance whileDown = Instance.of("127.0.0.1", 7002);
      try (LogCapture logs = LogCapture.start();
           MseClient client = MseClient.builder().serverAddr(proxy.address()).snapshotDir(snapshots)
               .requestTimeout(Duration.ofSeconds(2)).property("nacos.longPollTimeoutMillis", "10000").build()) {
        for (int round = 0; round < 3; round++) {
          keys.forEach(key -> assertThat(client.config().getConfig(key, GROUP)).isEqualTo("v=1"));
          assertThat(client.naming().getAllInstances(service, GROUP)).extracting(Instance::port).containsExactly(7001);
        }
        for (String key : keys) {
          List<ConfigChangeEvent> mine = events.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
          assertThat(client.config().getConfigAndAddListener(key, GROUP, Duration.ofSeconds(2), mine::add))
              .isEqualTo("v=1");
        }
        client.naming().subscribe(service, GROUP, naming::add);
        // a registration while the server cannot be reached is refused clearly, and not retried behind the caller
        assertThatThrownBy(() -> client.naming().registerInstance(service, GROUP, whileDown))
            .isInstanceOf(ServerUnavailableException.class).hasMessageContaining(proxy.address());

        assertThat(logs.lines("WARN", "Serving configs from their snapshots")).hasSize(1);
        assertThat(logs.lines("WARN", "Serving instance lists from their snapshots")).hasSize(1);
        // one WARN per kind (config snapshots, list snapshots, long polls, list polls), not per key or call
        assertThat(logs.lines("WARN").stream().filter(l -> l.contains("io.mse.client"))).hasSizeLessThanOrEqualTo(4);

        // meanwhile, on the server
        admin.config().publishConfig(keys.get(0), GROUP, "v=2");
        admin.config().publishConfig(keys.get(1), GROUP, "v=2");
        admin.config().publishConfig(keys.get(1), GROUP, "v=3");
        admin.naming().registerInstance(service, GROUP, persistent(7003));

        proxy.heal();
        await().atMost(RECOVERY).untilAsserted(() -> {
          assertThat(events.get(keys.get(0))).extracting(ConfigChangeEvent::content).containsExactly("v=2");
          assertThat(events.get(keys.get(1))).extracting(ConfigChangeEvent::content).containsExactly("v=3");
          assertThat(client.naming().getAllInstances(service, GROUP)).extracting(Instance::port)
              .containsExactlyInAnyOrder(7001, 7003);
        });
        assertThat(events.get(keys.get(2))).isEmpty();
        assertThat(naming).allSatisfy(event -> assertThat(event.instances()).isNotEmpty());
        assertThat(client.config().getConfig(keys.get(1), GROUP)).isEqualTo("v=3");
      }
      assertThat(onServer(service)).extracting(Instance::port).containsExactlyInAnyOrder(7001, 7003);
      admin.naming().deregisterInstance(service, GROUP, persistent(7001));
      admin.naming().deregisterInstance(service, GROUP, persistent(7003));
      keys.forEach(key -> admin.config().removeConfig(key, GROUP));
    }
  }

  @Test
  @Order(2)
  void aPartitionKeepsTheCacheAndThenDeliversEveryChangeOnceWithItsFinalValue() throws Exception {
    List<String> keys = IntStream.range(0, 5).mapToObj(i -> unique("part-" + i) + ".properties").toList();
    String service = unique("part-svc");
    Map<String, List<ConfigChangeEvent>> events = new ConcurrentHashMap<>();
    List<NamingEvent> naming = new CopyOnWriteArrayList<>();
    try (FaultProxy proxy = FaultProxy.start(server.port()); MseClient admin = admin();
         MseClient client = MseClient.builder().serverAddr(proxy.address()).snapshotDir(dir.resolve("client"))
             .requestTimeout(Duration.ofSeconds(3)).property("nacos.longPollTimeoutMillis", "10000")
             // a partition stops UDP as well; the proxy cannot, so the client polls only
             .property("nacos.pushEnabled", "false").build()) {
      keys.forEach(key -> admin.config().publishConfig(key, GROUP, "v=0"));
      admin.naming().registerInstance(service, GROUP, persistent(7101));
      for (String key : keys) {
        List<ConfigChangeEvent> mine = events.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
        await().atMost(VISIBLE).until(() -> "v=0".equals(
            client.config().getConfigAndAddListener(key, GROUP, Duration.ofSeconds(3), mine::add)));
      }
      client.naming().subscribe(service, GROUP, naming::add);
      await().atMost(VISIBLE).until(() -> client.naming().getAllInstances(service, GROUP).size() == 1);

      proxy.refuse();
      for (int round = 1; round <= 3; round++) {
        for (String key : keys) {
          admin.config().publishConfig(key, GROUP, "v=" + round);
        }
      }
      admin.naming().registerInstance(service, GROUP, persistent(7102));
      admin.naming().deregisterInstance(service, GROUP, persistent(7101));

      assertReadsServedFromMemory(client, keys, service, "v=0", 7101);
      // the client's polls keep failing for a while; nothing it holds changes
      await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(events.values()).allSatisfy(list -> assertThat(list).isEmpty());
        assertThat(client.naming().getAllInstances(service, GROUP)).extracting(Instance::port).containsExactly(7101);
      });

      proxy.heal();
      await().atMost(RECOVERY).untilAsserted(() -> {
        keys.forEach(key -> assertThat(events.get(key)).extracting(ConfigChangeEvent::content).containsExactly("v=3"));
        assertThat(client.naming().getAllInstances(service, GROUP)).extracting(Instance::port).containsExactly(7102);
      });
      assertThat(naming).allSatisfy(event -> assertThat(event.instances()).isNotEmpty());
      admin.naming().deregisterInstance(service, GROUP, persistent(7102));
      keys.forEach(key -> admin.config().removeConfig(key, GROUP));
    }
  }

  @Test
  @Order(3)
  void aServerFrozenPastAPollAndABeatTimeoutIsFollowedAgainOnceItRuns() throws Exception {
    String key = unique("frozen") + ".properties";
    String followed = unique("frozen-persistent");
    String own = unique("frozen-ephemeral");
    Instance mine = Instance.of("127.0.0.1", 7201);
    List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();
    List<NamingEvent> naming = new CopyOnWriteArrayList<>();
    try (MseClient admin = admin();
         MseClient client = server.target().clientBuilder(dir.resolve("client")).requestTimeout(Duration.ofSeconds(3))
             .property("nacos.longPollTimeoutMillis", "10000").build()) {
      admin.config().publishConfig(key, GROUP, "v=1");
      admin.naming().registerInstance(followed, GROUP, persistent(7202));
      await().atMost(VISIBLE).until(() -> "v=1".equals(
          client.config().getConfigAndAddListener(key, GROUP, Duration.ofSeconds(3), events::add)));
      client.naming().subscribe(followed, GROUP, naming::add);
      client.naming().registerInstance(own, GROUP, mine);
      await().atMost(VISIBLE).until(() -> client.naming().getAllInstances(followed, GROUP).size() == 1);

      server.freeze();
      try {
        assertReadsServedFromMemory(client, List.of(key), followed, "v=1", 7202);
        // past the poll's deadline (1.5 x 10 s) and the server's beat timeout (30 s): still the same view
        await().during(Duration.ofSeconds(35)).atMost(Duration.ofSeconds(45)).untilAsserted(() -> {
          assertThat(client.config().getConfig(key, GROUP)).isEqualTo("v=1");
          assertThat(client.naming().getAllInstances(followed, GROUP)).extracting(Instance::port).containsExactly(7202);
          assertThat(events).isEmpty();
        });
      } finally {
        server.thaw();
      }

      // the instance's beats missed the server's timeout: the server dropped it, the client registers it again
      await().atMost(RECOVERY).pollInterval(Duration.ofSeconds(1)).until(() -> onServer(own).stream().anyMatch(i -> i.port() == 7201));
      admin.config().publishConfig(key, GROUP, "v=2");
      admin.naming().registerInstance(followed, GROUP, persistent(7203));
      await().atMost(RECOVERY).untilAsserted(() -> {
        assertThat(events).extracting(ConfigChangeEvent::content).containsExactly("v=2");
        assertThat(client.naming().getAllInstances(followed, GROUP)).extracting(Instance::port)
            .containsExactlyInAnyOrder(7202, 7203);
      });
      assertThat(naming).allSatisfy(event -> assertThat(event.instances()).isNotEmpty());
      client.naming().deregisterInstance(own, GROUP, mine);
      admin.naming().deregisterInstance(followed, GROUP, persistent(7202));
      admin.naming().deregisterInstance(followed, GROUP, persistent(7203));
      admin.config().removeConfig(key, GROUP);
    }
  }

  @Test
  @Order(4)
  void aServerRestartedWithFreshDataGetsTheEphemeralInstancesBackAndNoSubscriberSeesAnEmptyList() throws Exception {
    String key = unique("restart") + ".properties";
    String service = unique("restart-svc");
    Instance mine = Instance.of("127.0.0.1", 7301);
    List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();
    List<NamingEvent> naming = new CopyOnWriteArrayList<>();
    NacosServerTarget target = server.target();
    try (MseClient owner = target.clientBuilder(dir.resolve("owner")).requestTimeout(Duration.ofSeconds(3)).build();
         MseClient watcher = target.clientBuilder(dir.resolve("watcher")).requestTimeout(Duration.ofSeconds(3))
             .property("nacos.longPollTimeoutMillis", "10000").build()) {
      try (MseClient admin = admin()) {
        admin.config().publishConfig(key, GROUP, "v=1");
      }
      owner.naming().registerInstance(service, GROUP, mine);
      await().atMost(VISIBLE).until(() -> "v=1".equals(
          watcher.config().getConfigAndAddListener(key, GROUP, Duration.ofSeconds(3), events::add)));
      watcher.naming().subscribe(service, GROUP, naming::add);
      await().atMost(VISIBLE).until(() -> watcher.naming().getAllInstances(service, GROUP).size() == 1);

      server.stop();
      assertReadsServedFromMemory(watcher, List.of(key), service, "v=1", 7301);
      server.start(); // fresh data: no config, no instance

      await().atMost(RECOVERY).pollInterval(Duration.ofSeconds(1)).until(() -> onServer(service).stream().anyMatch(i -> i.port() == 7301));
      // the config is gone from the new server: its listener hears so; a publish there is heard next
      await().atMost(RECOVERY).until(() -> events.stream().anyMatch(e -> e.content() == null));
      try (MseClient admin = admin()) {
        admin.config().publishConfig(key, GROUP, "v=9");
        await().atMost(RECOVERY).until(() -> !events.isEmpty() && "v=9".equals(events.get(events.size() - 1).content()));
        admin.config().removeConfig(key, GROUP);
      }
      assertThat(watcher.naming().getAllInstances(service, GROUP)).extracting(Instance::port).containsExactly(7301);
      assertThat(naming).allSatisfy(event -> assertThat(event.instances()).isNotEmpty());
      owner.naming().deregisterInstance(service, GROUP, mine);
    }
  }

  /**
   * Thousands of reads answer the cached values while the server cannot answer at all: were one of
   * them to wait for the server, it alone would take the whole request timeout.
   */
  private static void assertReadsServedFromMemory(MseClient client, List<String> keys, String service,
      String content, int port) {
    long started = System.nanoTime();
    for (int i = 0; i < 2000; i++) {
      for (String key : keys) {
        assertThat(client.config().getConfig(key, GROUP)).isEqualTo(content);
      }
      assertThat(client.naming().getAllInstances(service, GROUP).get(0).port()).isEqualTo(port);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("2000 rounds of reads while the server is away").isLessThan(client.settings().requestTimeout());
  }
}
