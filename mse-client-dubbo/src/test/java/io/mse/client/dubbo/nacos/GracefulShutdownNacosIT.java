package io.mse.client.dubbo.nacos;

import io.mse.client.dubbo.registry.ClientSettings;
import io.mse.client.dubbo.testing.GracefulShutdownScenario;
import io.mse.client.dubbo.testing.GracefulShutdownScenario.Outcome;
import io.mse.client.testing.nacos.NacosConformance;
import io.mse.client.testing.nacos.NacosServerTarget;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The graceful-shutdown scenario ({@link GracefulShutdownScenario}) on each real Nacos server: the server
 * answers a deregistration before its pushes show it (about 0.5 s), so without the registry drain the
 * consumer would keep calling the stopped provider's closed triple server in that window.
 */
@NacosConformance
class GracefulShutdownNacosIT {

  @TempDir
  Path dir;
  private final NacosServerTarget server;
  private final String run = UUID.randomUUID().toString().substring(0, 8);

  GracefulShutdownNacosIT(NacosServerTarget server) {
    this.server = server;
  }

  private void run(String registerMode, String migrationStep) throws Exception {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("group", "mse-drain-" + run);
    if (server.auth()) {
      parameters.put("username", server.username());
      parameters.put("password", server.password());
    }
    parameters.put(ClientSettings.SNAPSHOT_DIR, dir.resolve("snapshots").toString());
    parameters.put(ClientSettings.REQUEST_TIMEOUT_MILLIS, "5000");
    Outcome outcome = GracefulShutdownScenario.run("mse://" + server.address(), parameters, registerMode,
        migrationStep, "drain-" + registerMode + "-" + run, dir);
    GracefulShutdownScenario.assertNoCallFailed(server + ", register-mode " + registerMode, outcome);
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
