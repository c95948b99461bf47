package io.mse.client.spring.sca;

import io.mse.client.MseClient;
import io.mse.client.testing.nacos.NacosConformance;
import io.mse.client.testing.nacos.NacosServerTarget;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unchanged Spring Cloud Alibaba application on mse-client's starter against each real Nacos
 * server of the build (2.5.1 without auth, 3.0.3 with auth: the credentials through its
 * {@code spring.cloud.nacos.*.username/password}).
 */
@NacosConformance
class SpringCloudAlibabaAppNacosIT {

  private final NacosServerTarget server;
  @TempDir
  Path snapshots;

  SpringCloudAlibabaAppNacosIT(NacosServerTarget server) {
    this.server = server;
  }

  @Test
  void runsUnchangedOnARealServer() throws Exception {
    try (MseClient publisher = server.clientBuilder(snapshots.resolve("publisher")).build()) {
      new ScaStyleScenario().run(publisher, server.address(), server.auth() ? server.username() : null,
          server.auth() ? server.password() : null, snapshots);
    }
  }
}
