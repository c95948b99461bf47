package io.mse.client.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingEvent;
import io.mse.client.zookeeper.internal.EmbeddedZooKeeperServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** The registry through the full stack (cache layer + ZooKeeper engine) of clients sharing one embedded server. */
class ZooKeeperNamingIT {

  private static final Duration WAIT = Duration.ofSeconds(5);

  @TempDir
  static Path dataDir;
  @TempDir
  static Path snapshots;

  static MseClient provider;
  static MseClient consumer;

  @BeforeAll
  static void startClients() {
    provider = client("provider");
    consumer = client("consumer");
  }

  @AfterAll
  static void closeClients() {
    provider.close();
    consumer.close();
  }

  @Test
  void clientsSeeEachOthersRegistrations(TestInfo test) {
    String service = service(test);
    assertThat(consumer.naming().getAllInstances(service)).isEmpty();

    provider.naming().registerInstance(service, Instance.builder().ip("10.0.0.1").port(8080)
        .metadata("version", "v2").build());
    consumer.naming().registerInstance(service, "10.0.0.2", 8080);

    await().atMost(WAIT).untilAsserted(() -> assertThat(consumer.naming().getAllInstances(service))
        .extracting(Instance::address).containsExactly("10.0.0.1:8080", "10.0.0.2:8080"));
    assertThat(consumer.naming().getAllInstances(service).get(0).metadata()).containsEntry("version", "v2")
        .containsEntry(Instance.START_TIME_METADATA_KEY,   // announced by the provider's registration
            Long.toString(java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime()))
        .hasSize(2);
    assertThat(provider.naming().getAllInstances(service)).hasSize(2);
    assertThat(consumer.naming().selectOneHealthyInstance(service).port()).isEqualTo(8080);
  }

  @Test
  void subscribersGetOneEventPerChangeInOrder(TestInfo test) {
    String service = service(test);
    List<NamingEvent> events = new CopyOnWriteArrayList<>();
    consumer.naming().subscribe(service, "DEFAULT_GROUP", events::add);
    await().atMost(WAIT).until(() -> events.size() == 1);
    assertThat(events.get(0).instances()).as("the current, empty list on subscribe").isEmpty();

    Instance first = Instance.of("10.0.1.1", 80);
    Instance second = Instance.of("10.0.1.2", 80);
    provider.naming().registerInstance(service, first);
    await().atMost(WAIT).until(() -> events.size() == 2);
    provider.naming().registerInstance(service, second);
    await().atMost(WAIT).until(() -> events.size() == 3);
    provider.naming().registerInstance(service, second); // the same again: no change
    provider.naming().deregisterInstance(service, first);
    await().atMost(WAIT).until(() -> events.size() >= 4);

    assertThat(events).hasSize(4);
    // Compared by address: the registered instances also announce the provider's start time.
    assertThat(events.get(1).added()).extracting(Instance::address).containsExactly(first.address());
    assertThat(events.get(2).added()).extracting(Instance::address).containsExactly(second.address());
    assertThat(events.get(3).removed()).extracting(Instance::address).containsExactly(first.address());
    assertThat(events.get(3).instances()).extracting(Instance::address).containsExactly(second.address());
  }

  @Test
  void updateChangesAnInstanceInPlaceAndReRegisteringReplacesIt(TestInfo test) {
    String service = service(test);
    Instance instance = Instance.of("10.0.2.1", 80);
    provider.naming().registerInstance(service, instance);
    await().atMost(WAIT).until(() -> consumer.naming().getAllInstances(service).size() == 1);

    provider.naming().updateInstance(service, "DEFAULT_GROUP", instance.toBuilder().weight(5).build());
    await().atMost(WAIT).until(() -> consumer.naming().getAllInstances(service).get(0).weight() == 5);
    assertThat(consumer.naming().getAllInstances(service).get(0).metadata())
        .as("the start time stays announced").containsKey(Instance.START_TIME_METADATA_KEY);

    provider.naming().registerInstance(service, instance.toBuilder().enabled(false).build());
    await().atMost(WAIT).until(() -> !consumer.naming().getAllInstances(service).get(0).enabled());
    assertThat(consumer.naming().getAllInstances(service)).hasSize(1);

    assertThatThrownBy(() -> provider.naming().updateInstance(service, "DEFAULT_GROUP", Instance.of("10.9.9.9", 1)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("10.9.9.9:1");
  }

  @Test
  void closingAClientRemovesItsEphemeralInstancesButNotItsPersistentOnes(TestInfo test) {
    String service = service(test);
    MseClient leaving = client("leaving");
    leaving.naming().registerInstance(service, Instance.of("10.0.3.1", 80));
    leaving.naming().registerInstance(service, Instance.builder().ip("10.0.3.2").port(80).ephemeral(false).build());
    await().atMost(WAIT).until(() -> consumer.naming().getAllInstances(service).size() == 2);

    leaving.close();

    await().atMost(WAIT).untilAsserted(() -> assertThat(consumer.naming().getAllInstances(service))
        .extracting(Instance::address).containsExactly("10.0.3.2:80"));
    assertThat(consumer.naming().getAllInstances(service).get(0).ephemeral()).isFalse();
    consumer.naming().deregisterInstance(service, Instance.of("10.0.3.2", 80));
    await().atMost(WAIT).until(() -> consumer.naming().getAllInstances(service).isEmpty());
  }

  @Test
  void aConsumersPortZeroRegistrationIsStoredListedAndRemovedButNeverSelected(TestInfo test) {
    String service = "consumers:" + service(test) + "::";
    Instance registered = Instance.builder().ip("10.0.6.1").port(0).metadata(Instance.SIDE_METADATA_KEY, "consumer")
        .metadata("category", "consumers").build();
    provider.naming().registerInstance(service, registered);
    consumer.naming().registerInstance(service, Instance.of("10.0.6.2", 80));

    await().atMost(WAIT).untilAsserted(() -> assertThat(consumer.naming().getAllInstances(service))
        .extracting(Instance::address).containsExactly("10.0.6.1:0", "10.0.6.2:80"));
    Instance listed = consumer.naming().getAllInstances(service).get(0);
    assertThat(listed.metadata()).containsEntry("side", "consumer").containsEntry("category", "consumers");
    assertThat(listed.instanceId()).isEqualTo("10.0.6.1#0#DEFAULT");
    assertThat(consumer.naming().selectInstances(service, null, true)).extracting(Instance::address)
        .containsExactly("10.0.6.2:80");
    for (int i = 0; i < 100; i++) {
      assertThat(consumer.naming().selectOneHealthyInstance(service).port()).isEqualTo(80);
    }

    provider.naming().deregisterInstance(service, registered);
    await().atMost(WAIT).untilAsserted(() -> assertThat(consumer.naming().getAllInstances(service))
        .extracting(Instance::address).containsExactly("10.0.6.2:80"));
  }

  @Test
  void listsTheServicesOfAGroupSorted(TestInfo test) {
    String prefix = service(test);
    provider.naming().registerInstance(prefix + "-b", "GROUP_X", Instance.of("10.0.4.1", 80));
    provider.naming().registerInstance(prefix + "-a", "GROUP_X", Instance.of("10.0.4.1", 80));
    provider.naming().registerInstance(prefix + "-c", "OTHER", Instance.of("10.0.4.1", 80));

    assertThat(consumer.naming().getServices("GROUP_X")).containsExactly(prefix + "-a", prefix + "-b");
    assertThat(consumer.naming().getServices("EMPTY_GROUP")).isEmpty();
  }

  @Test
  void aZookeeperAddressSelectsThisEngineAndReachesTheSameData(TestInfo test) {
    String service = service(test);
    String hostPort = EmbeddedZooKeeperServers.find(dataDir).orElseThrow().connectString();
    provider.naming().registerInstance(service, Instance.of("10.0.5.1", 80));

    try (MseClient remote = MseClient.builder().serverAddr("zookeeper://" + hostPort).snapshotDir(snapshots.resolve("remote"))
        .build()) {
      await().atMost(WAIT).until(() -> remote.naming().getAllInstances(service).size() == 1);
      assertThat(remote.naming().getAllInstances(service).get(0).address()).isEqualTo("10.0.5.1:80");
    }
  }

  private static MseClient client(String name) {
    return MseClient.builder().serverAddr("embedded").embeddedDataDir(dataDir).snapshotDir(snapshots.resolve(name))
        .build();
  }

  private static String service(TestInfo test) {
    return test.getTestMethod().orElseThrow().getName();
  }
}
