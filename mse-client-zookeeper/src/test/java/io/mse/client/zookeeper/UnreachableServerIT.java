package io.mse.client.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mse.client.MseClient;
import io.mse.client.ServerUnavailableException;
import io.mse.client.config.ConfigKey;
import io.mse.client.internal.SnapshotStore;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client whose ZooKeeper cannot be reached still starts, and serves what its snapshots hold. */
class UnreachableServerIT {

  @TempDir
  Path snapshots;

  @Test
  void startsWithoutTheServerAndServesSnapshots() throws Exception {
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      deadPort = socket.getLocalPort();
    }
    String address = "zookeeper://127.0.0.1:" + deadPort;
    new SnapshotStore(snapshots, address, "").writeConfig(ConfigKey.of("app.properties", "G"), "from=snapshot");

    try (MseClient client = MseClient.builder().serverAddr(address).snapshotDir(snapshots)
        .requestTimeout(Duration.ofMillis(500)).build()) {
      assertThat(client.config().getConfig("app.properties", "G")).isEqualTo("from=snapshot");
      assertThatThrownBy(() -> client.config().getConfig("other.properties", "G"))
          .isInstanceOf(ServerUnavailableException.class)
          .hasMessageContaining("127.0.0.1:" + deadPort);
    }
  }
}
