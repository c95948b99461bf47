package io.mse.client.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.config.ConfigChangeEvent;
import io.mse.client.spi.Md5;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** The config center through the full stack (cache layer + ZooKeeper engine) of two clients sharing one embedded server. */
class ZooKeeperConfigIT {

  @TempDir
  static Path dataDir;
  @TempDir
  static Path snapshots;

  static MseClient publisher;
  static MseClient reader;

  @BeforeAll
  static void startClients() {
    publisher = MseClient.builder().serverAddr("embedded").embeddedDataDir(dataDir)
        .snapshotDir(snapshots.resolve("publisher")).build();
    reader = MseClient.builder().serverAddr("embedded").embeddedDataDir(dataDir)
        .snapshotDir(snapshots.resolve("reader")).build();
  }

  @AfterAll
  static void closeClients() {
    publisher.close();
    reader.close();
  }

  @Test
  void aPublishIsSeenByTheOtherClientAndAbsentConfigsReadAsNull(TestInfo test) {
    String dataId = dataId(test);
    assertThat(reader.config().getConfig(dataId, "DEFAULT_GROUP")).isNull();

    assertThat(publisher.config().publishConfig(dataId, "DEFAULT_GROUP", "timeout=3s\nname=零")).isTrue();

    assertThat(reader.config().getConfig(dataId, "DEFAULT_GROUP")).isEqualTo("timeout=3s\nname=零");
  }

  @Test
  void listenersFireOncePerChangeInOrderAndNotForIdenticalContent(TestInfo test) {
    String dataId = dataId(test);
    List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();
    reader.config().addListener(dataId, "g1", events::add);

    publisher.config().publishConfig(dataId, "g1", "v1");
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 1);
    publisher.config().publishConfig(dataId, "g1", "v2");
    publisher.config().publishConfig(dataId, "g1", "v2");
    publisher.config().publishConfig(dataId, "g1", "v3");
    await().atMost(Duration.ofSeconds(5)).until(() -> events.stream().anyMatch(e -> "v3".equals(e.content())));

    assertThat(events).extracting(ConfigChangeEvent::content).containsExactly("v1", "v2", "v3");
    assertThat(events.get(2).previousContent()).isEqualTo("v2");
    assertThat(events.get(2).md5()).isEqualTo(Md5.of("v3"));
    assertThat(reader.config().getConfig(dataId, "g1")).isEqualTo("v3");
  }

  @Test
  void contentOverTheZnodeLimitIsRefusedBeforeItIsSentAndTheSessionGoesOn(TestInfo test) {
    String dataId = dataId(test);
    List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();
    publisher.config().publishConfig(dataId, "g1", "v1");
    assertThat(reader.config().getConfigAndAddListener(dataId, "g1", Duration.ofSeconds(3), events::add))
        .isEqualTo("v1");

    // ZooKeeper's servers read a packet of at most jute.maxbuffer (1 MiB - 1 by default) and drop the
    // connection of a client that sends a larger one
    String big = "x".repeat(1024 * 1024);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> publisher.config().publishConfig(dataId, "g1", big))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(dataId)
        .hasMessageContaining("jute.maxbuffer");

    assertThat(reader.config().getConfig(dataId, "g1")).isEqualTo("v1");
    assertThat(publisher.config().publishConfig(dataId, "g1", "v2")).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 1);
    assertThat(events).extracting(ConfigChangeEvent::content).containsExactly("v2");
  }

  @Test
  void removingAConfigSendsARemovedEvent(TestInfo test) {
    String dataId = dataId(test);
    publisher.config().publishConfig(dataId, "g1", "present");
    List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();
    assertThat(reader.config().getConfigAndAddListener(dataId, "g1", Duration.ofSeconds(3), events::add))
        .isEqualTo("present");

    assertThat(publisher.config().removeConfig(dataId, "g1")).isTrue();

    await().atMost(Duration.ofSeconds(5)).until(() -> !events.isEmpty());
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.removed()).isTrue();
      assertThat(e.previousContent()).isEqualTo("present");
    });
    assertThat(publisher.config().removeConfig(dataId, "g1")).as("removing an absent config").isTrue();
    assertThat(reader.config().getConfig(dataId, "g1")).isNull();
  }

  @Test
  void compareAndSetStoresOnlyOverTheExpectedContent(TestInfo test) {
    String dataId = dataId(test);
    assertThat(publisher.config().publishConfigCas(dataId, "g1", "first", "")).as("create when absent").isTrue();
    assertThat(publisher.config().publishConfigCas(dataId, "g1", "again", "")).as("create when present").isFalse();

    assertThat(publisher.config().publishConfigCas(dataId, "g1", "second", Md5.of("wrong"))).isFalse();
    assertThat(reader.config().getConfig(dataId, "g1")).isEqualTo("first");

    assertThat(publisher.config().publishConfigCas(dataId, "g1", "second", Md5.of("first"))).isTrue();
    assertThat(reader.config().publishConfigCas(dataId, "g1", "lost race", Md5.of("first"))).isFalse();
    assertThat(reader.config().getConfig(dataId, "g1")).isEqualTo("second");
    assertThat(publisher.config().publishConfigCas(dataId + "-absent", "g1", "x", Md5.of("first")))
        .as("cas over an absent config").isFalse();
  }

  @Test
  void namespacesAreIsolated(TestInfo test) {
    String dataId = dataId(test);
    try (MseClient dev = MseClient.builder().serverAddr("embedded").embeddedDataDir(dataDir).namespace("dev")
        .snapshotDir(snapshots.resolve("dev")).build()) {
      dev.config().publishConfig(dataId, "g1", "dev only");

      assertThat(reader.config().getConfig(dataId, "g1")).isNull();
      assertThat(dev.config().getConfig(dataId, "g1")).isEqualTo("dev only");
    }
  }

  private static String dataId(TestInfo test) {
    return test.getTestMethod().orElseThrow().getName() + ".properties";
  }
}
