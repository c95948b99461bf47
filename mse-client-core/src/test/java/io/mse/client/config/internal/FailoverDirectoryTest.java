package io.mse.client.config.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.MseClientConfig;
import io.mse.client.config.ConfigChangeEvent;
import io.mse.client.internal.SnapshotStore;
import io.mse.client.testing.FakeEngine;
import io.mse.client.testing.FakeEngineProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The failover directory is the cache layer's: any engine (here the fake one) gets it. */
class FailoverDirectoryTest {

  @TempDir
  Path snapshots;

  @TempDir
  Path operatorDir;

  private static void write(Path file, String content) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  @Test
  void aFailoverFileOverridesAnyEngineAndReachesListenersUntilItIsRemoved() throws Exception {
    String name = "failover-" + UUID.randomUUID();
    List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();
    try (MseClient client = MseClient.builder().serverAddr("fake://" + name).snapshotDir(snapshots)
        .property("failoverDir", operatorDir.toString()).property("failoverCheckMillis", "50").build()) {
      FakeEngine engine = FakeEngineProvider.engine(name);
      client.config().publishConfig("a.properties", "G", "k=server");
      assertThat(client.config().getConfigAndAddListener("a.properties", "G", Duration.ofSeconds(2), events::add))
          .isEqualTo("k=server");
      Path file = operatorDir.resolve("config").resolve("G").resolve("a.properties");

      write(file, "k=failover");
      await().until(() -> events.stream().anyMatch(e -> "k=failover".equals(e.content())));
      assertThat(client.config().getConfig("a.properties", "G")).isEqualTo("k=failover");

      // the server's changes meanwhile are held, not reported, and come back when the file goes
      client.config().publishConfig("a.properties", "G", "k=server2");
      engine.drain();
      assertThat(client.config().getConfig("a.properties", "G")).isEqualTo("k=failover");

      write(operatorDir.resolve("config").resolve("G").resolve(SnapshotStore.escape("b:x")), "from-file");
      assertThat(client.config().getConfig("b:x", "G")).isEqualTo("from-file");

      Files.delete(file);
      await().until(() -> "k=server2".equals(events.get(events.size() - 1).content()));
      assertThat(events).extracting(ConfigChangeEvent::content).containsExactly("k=failover", "k=server2");
    }
  }

  @Test
  void theDirectoryDefaultsUnderTheSnapshotsAndTheNacosNamesStillWork() {
    MseClientConfig defaults = MseClient.builder().serverAddr("fake://x").snapshotDir(snapshots).toConfig();
    SnapshotStore store = new SnapshotStore(snapshots, "fake://x", "");
    assertThat(FailoverDirectory.of(defaults, store).root()).isEqualTo(store.root().resolve("failover"));
    assertThat(FailoverDirectory.checkInterval(defaults)).isEqualTo(Duration.ofSeconds(5));

    MseClientConfig aliases = MseClient.builder().serverAddr("fake://x").snapshotDir(snapshots)
        .property("nacos.failoverDir", operatorDir.toString()).property("nacos.failoverCheckMillis", "70").toConfig();
    assertThat(FailoverDirectory.of(aliases, store).root()).isEqualTo(operatorDir);
    assertThat(FailoverDirectory.checkInterval(aliases)).isEqualTo(Duration.ofMillis(70));

    MseClientConfig wrong = MseClient.builder().serverAddr("fake://x").snapshotDir(snapshots)
        .property("failoverCheckMillis", "-1").toConfig();
    assertThatThrownBy(() -> FailoverDirectory.checkInterval(wrong)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("failoverCheckMillis '-1'");
  }
}
