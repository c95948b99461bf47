package io.mse.client.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.config.ConfigChangeEvent;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingEvent;
import io.mse.client.testing.FaultProxy;
import io.mse.client.testing.nacos.NacosClusterProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A three-node Nacos cluster of the test's own (2.5.1 and 3.0.3, embedded storage) loses the node the
 * client talks to: the client moves to another node, no read fails (cached ones from memory, uncached
 * ones from another node within their deadline), no change is lost (a publish made after the loss
 * reaches the listener), no empty list reaches a subscriber, the client's ephemeral instance stays
 * registered, and the dead node is not hammered: requests start at the node that answered last, so the
 * dead one is tried again only when that one fails. A {@link FaultProxy} in front of each node shows
 * which node the client uses. {@link NacosClusterProcess} restarts a node that hangs or exits while
 * the new cluster starts, as Nacos nodes of a new embedded-storage cluster do on about half of all
 * starts.
 *
 * <p>Opt-in ({@code MSE_IT_NACOS_CLUSTER=on} for both versions, or a list such as {@code 3.0.3}): about
 * two minutes per version, beyond the normal build's budget; see docs/reliability.md.
 */
@Timeout(value = 20, unit = java.util.concurrent.TimeUnit.MINUTES)
class NacosClusterIT {

  private static final String GROUP = "DEFAULT_GROUP";
  private NacosClusterProcess cluster;
  private final List<FaultProxy> proxies = new ArrayList<>();

  @TempDir
  Path dir;

  /** The versions to run: {@code MSE_IT_NACOS_CLUSTER} = {@code on} (both) or a comma-separated list. */
  static List<String> versions() {
    String setting = String.valueOf(System.getenv("MSE_IT_NACOS_CLUSTER")).strip().toLowerCase(java.util.Locale.ROOT);
    org.junit.jupiter.api.Assumptions.assumeFalse(List.of("null", "", "off", "false", "no").contains(setting),
        "the Nacos cluster test is opt-in: MSE_IT_NACOS_CLUSTER=on (or 2.5.1, 3.0.3)");
    if (List.of("on", "true", "yes").contains(setting)) {
      return List.of("2.5.1", "3.0.3");
    }
    List<String> versions = List.of(setting.split("\\s*,\\s*"));
    assertThat(versions).as("MSE_IT_NACOS_CLUSTER: on, off or Nacos versions").allMatch(v -> v.matches("\\d+\\.\\d+\\.\\d+"));
    return versions;
  }

  @AfterEach
  void stopCluster() {
    proxies.forEach(FaultProxy::close);
    proxies.clear();
    if (cluster != null) {
      cluster.close();
    }
  }

  @ParameterizedTest(name = "Nacos {0}")
  @MethodSource("versions")
  void losingTheNodeInUseMovesTheClientWithoutALostChangeOrAFailedRead(String version) throws Exception {
    cluster = NacosClusterProcess.start(version, 56848, 56858, 56868);
    for (int port : cluster.ports()) {
      proxies.add(FaultProxy.start(port));
    }
    String key = "cluster-" + UUID.randomUUID().toString().substring(0, 8) + ".properties";
    String service = "cluster-svc-" + UUID.randomUUID().toString().substring(0, 8);
    List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();
    List<NamingEvent> naming = new CopyOnWriteArrayList<>();
    String throughProxies = proxies.stream().map(FaultProxy::address).collect(Collectors.joining(","));
    try (MseClient admin = MseClient.builder().serverAddr(String.join(",", cluster.addresses()))
             .snapshotDir(dir.resolve("admin")).requestTimeout(Duration.ofSeconds(5)).build();
         MseClient client = MseClient.builder().serverAddr(throughProxies).snapshotDir(dir.resolve("client"))
             .requestTimeout(Duration.ofSeconds(5)).property("nacos.longPollTimeoutMillis", "10000").build()) {
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(
          () -> admin.config().publishConfig(key, GROUP, "v=1"));
      admin.naming().registerInstance(service, GROUP, Instance.builder().ip("127.0.0.1").port(7401).ephemeral(false)
          .build());
      await().atMost(Duration.ofSeconds(30)).until(() -> "v=1".equals(
          client.config().getConfigAndAddListener(key, GROUP, Duration.ofSeconds(5), events::add)));
      // subscribed once the node in use has the instance: until Raft reaches it, that node truly has none
      await().atMost(Duration.ofSeconds(30)).until(() -> client.naming().getAllInstances(service, GROUP).size() == 1);
      client.naming().subscribe(service, GROUP, naming::add);
      client.naming().registerInstance(service + "-own", GROUP, Instance.of("127.0.0.1", 7402));

      int inUse = nodeInUse();
      cluster.stop(inUse);
      long lost = System.nanoTime();

      // no read fails: cached ones from memory, uncached ones from another node within their deadline
      for (int i = 0; i < 2000; i++) {
        assertThat(client.config().getConfig(key, GROUP)).isEqualTo("v=1");
        assertThat(client.naming().getAllInstances(service, GROUP)).hasSize(1);
      }
      for (int i = 0; i < 10; i++) {
        assertThat(client.config().getConfig("cluster-absent-" + i, GROUP)).isNull();
      }
      // no change is lost
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(
          () -> admin.config().publishConfig(key, GROUP, "v=2"));
      await().atMost(Duration.ofSeconds(60)).until(() -> events.stream().anyMatch(e -> "v=2".equals(e.content())));
      long moved = System.nanoTime();
      System.err.println("[cluster] Nacos " + version + ": node " + (inUse + 1) + " of 3 stopped; the change after it reached the listener "
          + Duration.ofNanos(moved - lost).toMillis() + " ms later");
      assertThat(events).extracting(ConfigChangeEvent::content).containsExactly("v=2");

      // the dead node is not hammered: requests start at the node that answered last
      int before = proxies.get(inUse).connections();
      await().during(Duration.ofSeconds(15)).atMost(Duration.ofSeconds(20)).until(
          () -> proxies.get(inUse).connections() - before <= 2);
      // the ephemeral instance stays registered and healthy past the server's beat timeout (15 s to
      // unhealthy, 30 s to removed): its beats moved to a live node
      Duration untilPastTimeout = Duration.ofSeconds(35).minus(Duration.ofNanos(System.nanoTime() - lost));
      Duration firstCheck = untilPastTimeout.isNegative() ? Duration.ZERO : untilPastTimeout;
      int other = (inUse + 1) % 3;
      await().pollDelay(firstCheck).atMost(firstCheck.plusSeconds(30)).untilAsserted(() -> assertThat(onNode(other, service + "-own"))
          .extracting(Instance::port, Instance::healthy).containsExactly(org.assertj.core.groups.Tuple.tuple(7402, true)));
      assertThat(naming).isNotEmpty().allSatisfy(event -> assertThat(event.instances()).isNotEmpty());
      admin.config().removeConfig(key, GROUP);
    }
  }

  /** The node whose proxy carries the client's requests: the one whose request count grows. */
  private int nodeInUse() {
    int[] before = proxies.stream().mapToInt(p -> p.requests().size()).toArray();
    int[] inUse = {-1};
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      for (int i = 0; i < proxies.size(); i++) {
        if (proxies.get(i).requests().size() > before[i] + 2) {
          inUse[0] = i;
          return true;
        }
      }
      return false;
    });
    return inUse[0];
  }

  private List<Instance> onNode(int node, String service) {
    try (MseClient fresh = MseClient.builder().serverAddr(cluster.addresses().get(node))
        .snapshotDir(dir.resolve("fresh-" + UUID.randomUUID())).property("nacos.pushEnabled", "false").build()) {
      return fresh.naming().getAllInstances(service, GROUP);
    }
  }
}
