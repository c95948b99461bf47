package io.mse.client.naming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.ServerUnavailableException;
import io.mse.client.testing.FakeEngine;
import io.mse.client.testing.FakeEngineProvider;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

class NamingServiceTest {

  @TempDir
  Path snapshots;

  private MseClient client;
  private FakeEngine engine;
  private NamingService naming;
  private String name;

  @BeforeEach
  void start(TestInfo test) {
    name = "naming-" + test.getDisplayName().replaceAll("\\W", "");
    client = newClient(true);
    engine = FakeEngineProvider.engine(name);
    naming = client.naming();
  }

  private MseClient newClient(boolean pushEmptyProtection) {
    return MseClient.builder().serverAddr("fake://" + name).snapshotDir(snapshots)
        .pushEmptyProtection(pushEmptyProtection).build();
  }

  @AfterEach
  void stop() {
    client.close();
  }

  @Test
  void registeredInstancesAreListedAndReadsAfterTheFirstAreServedFromMemory() {
    naming.registerInstance("inventory", "10.0.0.1", 8080);
    naming.registerInstance("inventory", "DEFAULT_GROUP", Instance.builder().ip("10.0.0.2").port(8080)
        .metadata("version", "v2").build());
    assertThat(naming.getAllInstances("inventory")).extracting(Instance::address)
        .containsExactly("10.0.0.1:8080", "10.0.0.2:8080");
    int reads = engine.instanceReads.get();
    for (int i = 0; i < 100; i++) {
      naming.getAllInstances("inventory");
      naming.selectOneHealthyInstance("inventory");
      naming.selectInstances("inventory", null, true);
    }
    assertThat(engine.instanceReads.get()).isEqualTo(reads);
  }

  @Test
  void aRegisteredInstanceAnnouncesTheStartTimeOfThisProcessUnlessItHasOne() {
    String jvmStart = Long.toString(java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime());
    naming.registerInstance("inventory", "DEFAULT_GROUP", Instance.builder().ip("10.0.0.1").port(8080)
        .metadata("version", "v2").build());
    naming.registerInstance("inventory", "DEFAULT_GROUP", Instance.builder().ip("10.0.0.2").port(8080)
        .metadata(Instance.START_TIME_METADATA_KEY, "1700000000000").build());

    assertThat(naming.getAllInstances("inventory")).extracting(Instance::metadata).containsExactly(
        java.util.Map.of("version", "v2", Instance.START_TIME_METADATA_KEY, jvmStart),
        java.util.Map.of(Instance.START_TIME_METADATA_KEY, "1700000000000"));
    // A second registration announces the same start: the instance is unchanged.
    naming.registerInstance("inventory", "DEFAULT_GROUP", Instance.builder().ip("10.0.0.1").port(8080)
        .metadata("version", "v2").build());
    assertThat(naming.getAllInstances("inventory").get(0).metadata())
        .containsEntry(Instance.START_TIME_METADATA_KEY, jvmStart);
  }

  @Test
  void cachedListFollowsRegistrationsAndDeregistrations() {
    naming.registerInstance("inventory", "10.0.0.1", 8080);
    assertThat(naming.getAllInstances("inventory")).hasSize(1);
    naming.registerInstance("inventory", "10.0.0.2", 8080);
    await().until(() -> naming.getAllInstances("inventory").size() == 2);
    naming.deregisterInstance("inventory", "10.0.0.1", 8080);
    await().until(() -> naming.getAllInstances("inventory").size() == 1);
    assertThat(naming.selectOneHealthyInstance("inventory").ip()).isEqualTo("10.0.0.2");
  }

  @Test
  void selectOneHealthyInstancePicksByWeightAndSkipsUnselectable() {
    naming.registerInstance("s", null, Instance.builder().ip("10.0.0.1").port(1).weight(1).build());
    naming.registerInstance("s", null, Instance.builder().ip("10.0.0.2").port(1).weight(3).build());
    naming.registerInstance("s", null, Instance.builder().ip("10.0.0.3").port(1).weight(0).build());
    naming.registerInstance("s", null, Instance.builder().ip("10.0.0.4").port(1).healthy(false).build());
    naming.registerInstance("s", null, Instance.builder().ip("10.0.0.5").port(1).enabled(false).build());
    naming.getAllInstances("s");
    await().until(() -> naming.getAllInstances("s").size() == 5);
    Map<String, Integer> counts = new HashMap<>();
    int n = 40_000;
    for (int i = 0; i < n; i++) {
      counts.merge(naming.selectOneHealthyInstance("s").ip(), 1, Integer::sum);
    }
    assertThat(counts).containsOnlyKeys("10.0.0.1", "10.0.0.2");
    assertThat(counts.get("10.0.0.2") / (double) n).isCloseTo(0.75, within(0.02));
    assertThat(naming.selectInstances("s", null, true)).extracting(Instance::ip)
        .containsExactly("10.0.0.1", "10.0.0.2");
    assertThat(naming.selectInstances("s", null, false)).extracting(Instance::ip).containsExactly("10.0.0.4");
  }

  @Test
  void noSelectableInstanceIsADistinctRefusalNamingTheService() {
    naming.registerInstance("s", null, Instance.builder().ip("10.0.0.1").port(1).healthy(false).build());
    assertThatThrownBy(() -> naming.selectOneHealthyInstance("s"))
        .isInstanceOf(NoInstanceAvailableException.class)
        .hasMessageContaining("DEFAULT_GROUP@@s")
        .satisfies(e -> assertThat(((NoInstanceAvailableException) e).resource()).isEqualTo("public/DEFAULT_GROUP@@s"));
  }

  @Test
  void subscriberGetsCurrentListThenEachChangeWithDiff() {
    naming.registerInstance("s", "10.0.0.1", 80);
    List<NamingEvent> events = new CopyOnWriteArrayList<>();
    naming.subscribe("s", null, events::add);
    naming.registerInstance("s", "10.0.0.2", 80);
    naming.deregisterInstance("s", "10.0.0.1", 80);
    await().until(() -> events.size() == 3);
    assertThat(events.get(0).instances()).extracting(Instance::ip).containsExactly("10.0.0.1");
    assertThat(events.get(1).added()).extracting(Instance::ip).containsExactly("10.0.0.2");
    assertThat(events.get(1).removed()).isEmpty();
    assertThat(events.get(2).removed()).extracting(Instance::ip).containsExactly("10.0.0.1");
    assertThat(events.get(2).instances()).extracting(Instance::ip).containsExactly("10.0.0.2");
  }

  @Test
  void unsubscribedListenerHearsNothingMore() {
    List<NamingEvent> events = new CopyOnWriteArrayList<>();
    NamingListener listener = events::add;
    naming.subscribe("s", null, listener);
    await().until(() -> events.size() == 1);
    naming.unsubscribe("s", null, listener);
    List<NamingEvent> other = new CopyOnWriteArrayList<>();
    naming.subscribe("s", null, other::add);
    naming.registerInstance("s", "10.0.0.1", 80);
    await().until(() -> other.size() == 2);
    assertThat(events).hasSize(1);
  }

  @Test
  void pushEmptyProtectionIgnoresAnEmptyListThatMayBeAFault() {
    naming.registerInstance("s", "10.0.0.1", 80);
    naming.getAllInstances("s");
    ServiceKey key = new ServiceKey("", null, "s");
    engine.push(key, List.of(), false);
    engine.drain();
    assertThat(naming.getAllInstances("s")).hasSize(1);
    engine.push(key, List.of(), true);
    engine.drain();
    assertThat(naming.getAllInstances("s")).isEmpty();
  }

  @Test
  void pushEmptyProtectionCanBeSwitchedOff() {
    client.close();
    client = newClient(false);
    engine = FakeEngineProvider.engine(name);
    naming = client.naming();
    naming.registerInstance("s", "10.0.0.1", 80);
    naming.getAllInstances("s");
    engine.push(new ServiceKey("", null, "s"), List.of(), false);
    engine.drain();
    assertThat(naming.getAllInstances("s")).isEmpty();
  }

  @Test
  void servesSnapshotOnlyWhileTheServerCannotBeReached() {
    naming.registerInstance("s", "10.0.0.1", 80);
    naming.getAllInstances("s");
    await().until(() -> new io.mse.client.internal.SnapshotStore(snapshots, "fake://" + name, "")
        .serviceFile(new ServiceKey("", null, "s")).toFile().exists());
    client.close();
    client = newClient(true);
    engine = FakeEngineProvider.engine(name);
    naming = client.naming();
    engine.down(true);
    assertThat(naming.getAllInstances("s")).extracting(Instance::ip).containsExactly("10.0.0.1");
    assertThatThrownBy(() -> naming.getAllInstances("never-seen")).isInstanceOf(ServerUnavailableException.class);
    // The server answers again, without the instance: the snapshot must not keep it alive.
    engine.down(false);
    engine.push(new ServiceKey("", null, "s"), List.of(Instance.of("10.0.0.9", 80)), true);
    engine.drain();
    assertThat(naming.getAllInstances("s")).extracting(Instance::ip).containsExactly("10.0.0.9");
  }

  @Test
  void badArgumentsAreRejectedBeforeAnyIo() {
    assertThatThrownBy(() -> naming.registerInstance("a@@b", "10.0.0.1", 80))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a@@b'").hasMessageContaining("@@");
    assertThatThrownBy(() -> naming.registerInstance("s", "10.0.0.1", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port 0");
    assertThatThrownBy(() -> Instance.builder().ip("10.0.0.1").port(80).weight(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weight -1.0");
    assertThatThrownBy(() -> naming.getAllInstances("bad name"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("serviceName 'bad name'");
    assertThat(engine.writes.get()).isZero();
    assertThat(engine.instanceReads.get()).isZero();
  }

  @Test
  void aConsumersRegistrationHasPortZeroAndIsListedButNeverSelected() {
    Instance consumer = Instance.builder().ip("10.0.0.2").port(0).metadata(Instance.SIDE_METADATA_KEY, "consumer")
        .metadata("category", "consumers").build();
    naming.registerInstance("consumers:org.foo.Demo::", null, consumer);
    naming.registerInstance("consumers:org.foo.Demo::", null, Instance.of("10.0.0.1", 80));

    assertThat(naming.getAllInstances("consumers:org.foo.Demo::")).extracting(Instance::address)
        .containsExactly("10.0.0.1:80", "10.0.0.2:0");
    assertThat(consumer.isConsumerRegistration()).isTrue();
    assertThat(consumer.isSelectable()).isFalse();
    assertThat(naming.selectInstances("consumers:org.foo.Demo::", null, true)).extracting(Instance::address)
        .containsExactly("10.0.0.1:80");
    assertThat(naming.selectInstances("consumers:org.foo.Demo::", null, false)).isEmpty();
    for (int i = 0; i < 200; i++) {
      assertThat(naming.selectOneHealthyInstance("consumers:org.foo.Demo::").port()).isEqualTo(80);
    }
    naming.registerInstance("consumers:org.foo.Other::", null, consumer);
    assertThat(naming.getAllInstances("consumers:org.foo.Other::")).singleElement()
        .satisfies(listed -> assertThat(listed.address()).isEqualTo(consumer.address()))
        .satisfies(listed -> assertThat(listed.metadata()).containsAllEntriesOf(consumer.metadata()));
    assertThatThrownBy(() -> naming.selectOneHealthyInstance("consumers:org.foo.Other::"))
        .isInstanceOf(NoInstanceAvailableException.class);
  }

  @Test
  void portZeroIsOnlyForAConsumersRegistration() {
    assertThatThrownBy(() -> Instance.builder().ip("10.0.0.1").port(0).metadata("side", "provider").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port 0 is out of range: a port is 1 to 65535, and 0 only for a consumer's registration, whose"
            + " metadata has side=consumer");
    assertThatThrownBy(() -> Instance.of("10.0.0.1", 0)).hasMessageContaining("side=consumer");
    assertThatThrownBy(() -> new Instance(null, "10.0.0.1", 65536, 1, true, true, true, null,
        Map.of("side", "consumer"))).hasMessage("port 65536 is out of range: a port is 1 to 65535");
    assertThatThrownBy(() -> Instance.builder().ip("10.0.0.1").port(-1))
        .hasMessage("port -1 is out of range: a port is 1 to 65535");
    assertThatThrownBy(() -> Instance.builder().ip("10.0.0.1").metadata("side", "consumer").build())
        .hasMessageContaining("needs an ip and a port");
    assertThat(new Instance(null, "10.0.0.1", 0, 1, true, true, true, null, Map.of("side", "consumer")).instanceId())
        .isEqualTo("10.0.0.1#0#DEFAULT");
  }

  @Test
  void servicesOfAGroupAreListed() {
    naming.registerInstance("b", "10.0.0.1", 80);
    naming.registerInstance("a", "10.0.0.1", 80);
    assertThat(naming.getServices(null)).containsExactly("a", "b");
  }
}
