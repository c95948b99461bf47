package io.mse.client.dubbo.registry;

import io.mse.client.dubbo.testing.GracefulShutdownScenario;
import io.mse.client.dubbo.testing.GracefulShutdownScenario.Outcome;
import io.mse.client.zookeeper.internal.EmbeddedZooKeeperServers;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provider alone in its JVM stops while a consumer calls in a loop and a second provider serves: its
 * registry drain ({@link ShutdownDrain}) keeps its server open until the consumer has dropped it, so no
 * call fails. On mse-client's embedded ZooKeeper server, reached by its address
 * ({@code mse://127.0.0.1:port?engine=zookeeper}) because the stopping provider runs in another process.
 */
class GracefulShutdownIT {

  @TempDir
  Path dir;
  private EmbeddedZooKeeperServers.Lease server;

  @BeforeEach
  void startServer() {
    server = EmbeddedZooKeeperServers.acquire(dir.resolve("zk"));
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private void run(String registerMode, String migrationStep) throws Exception {
    Map<String, String> parameters = Map.of(ClientSettings.ENGINE, "zookeeper",
        ClientSettings.SNAPSHOT_DIR, dir.resolve("snapshots").toString());
    Outcome outcome = GracefulShutdownScenario.run("mse://" + server.connectString(), parameters, registerMode,
        migrationStep, "drain-" + registerMode, dir);
    GracefulShutdownScenario.assertNoCallFailed("embedded, register-mode " + registerMode, outcome);
  }

  @Test
  void noCallFailsWhileAnInterfaceLevelProviderStops() throws Exception {
    run("interface", "FORCE_INTERFACE");
  }

  @Test
  void noCallFailsWhileAnApplicationLevelProviderStops() throws Exception {
    run("all", "FORCE_APPLICATION");
  }
}
