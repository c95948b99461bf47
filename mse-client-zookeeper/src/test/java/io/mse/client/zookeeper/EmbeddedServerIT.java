package io.mse.client.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.naming.Instance;
import io.mse.client.zookeeper.internal.EmbeddedZooKeeperServers;
import io.mse.client.zookeeper.internal.EmbeddedZooKeeperServers.ServerInfo;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-process server behind {@code embedded}: shared per data directory, reference-counted, cleaned up. */
class EmbeddedServerIT {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path snapshots;

  @Test
  void theDefaultServerIsSharedAndTheLastCloseStopsItAndDeletesItsData() {
    MseClient first = MseClient.builder().snapshotDir(snapshots.resolve("first")).build();
    MseClient second = MseClient.builder().serverAddr("embedded").snapshotDir(snapshots.resolve("second")).build();
    ServerInfo server = EmbeddedZooKeeperServers.find(null).orElseThrow();
    assertThat(server.references()).isEqualTo(2);
    assertThat(server.connectString()).startsWith("127.0.0.1:");
    assertThat(server.dataDir()).isDirectory();

    first.naming().registerInstance("shared", Instance.of("10.1.0.1", 80));
    first.config().publishConfig("shared.properties", "DEFAULT_GROUP", "a=1");
    await().atMost(WAIT).until(() -> second.naming().getAllInstances("shared").size() == 1);
    assertThat(second.config().getConfig("shared.properties", "DEFAULT_GROUP")).isEqualTo("a=1");

    first.close();
    assertThat(EmbeddedZooKeeperServers.find(null)).get().extracting(ServerInfo::references).isEqualTo(1);
    assertThat(accepts(server.connectString())).isTrue();
    await().atMost(WAIT).until(() -> second.naming().getAllInstances("shared").isEmpty());

    second.close();
    assertThat(EmbeddedZooKeeperServers.find(null)).isEmpty();
    await().atMost(WAIT).until(() -> !accepts(server.connectString()));
    assertThat(server.dataDir()).doesNotExist();
    assertThat(server.dataDir().getParent()).doesNotExist();
    await().atMost(WAIT).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(thread -> thread.isAlive() && thread.getName().startsWith("mse-"))
        .extracting(Thread::getName).isEmpty());
  }

  @Test
  void aGivenDataDirectoryHasItsOwnServerAndKeepsPersistentDataAcrossRestarts(@TempDir Path dataDir,
      @TempDir Path otherDir) {
    try (MseClient client = MseClient.builder().embeddedDataDir(dataDir).snapshotDir(snapshots.resolve("a")).build();
        MseClient other = MseClient.builder().embeddedDataDir(otherDir).snapshotDir(snapshots.resolve("b")).build()) {
      client.config().publishConfig("kept.properties", "DEFAULT_GROUP", "kept=yes");
      client.naming().registerInstance("kept", Instance.builder().ip("10.1.1.1").port(80).ephemeral(false).build());
      client.naming().registerInstance("kept", Instance.of("10.1.1.2", 80));

      assertThat(EmbeddedZooKeeperServers.find(dataDir).orElseThrow().connectString())
          .isNotEqualTo(EmbeddedZooKeeperServers.find(otherDir).orElseThrow().connectString());
      assertThat(other.config().getConfig("kept.properties", "DEFAULT_GROUP")).isNull();
    }
    assertThat(EmbeddedZooKeeperServers.find(dataDir)).isEmpty();
    assertThat(dataDir).isNotEmptyDirectory();

    try (MseClient restarted = MseClient.builder().embeddedDataDir(dataDir).snapshotDir(snapshots.resolve("c")).build()) {
      assertThat(restarted.config().getConfig("kept.properties", "DEFAULT_GROUP")).isEqualTo("kept=yes");
      assertThat(restarted.naming().getAllInstances("kept")).extracting(Instance::address)
          .containsExactly("10.1.1.1:80");
    }
    assertThat(Files.exists(dataDir)).isTrue();
    // the servers' own threads end with them (ZooKeeper's are not daemon: one left keeps a JVM alive)
    await().atMost(WAIT).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(thread -> thread.isAlive() && !thread.isDaemon())
        .extracting(Thread::getName).allMatch(name -> name.equals("main") || name.startsWith("surefire")
            || name.startsWith("failsafe") || name.startsWith("awaitility") || name.equals("DestroyJavaVM")));
  }

  private static boolean accepts(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
          500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
