package io.mse.client.spring.sca;

import io.mse.client.MseClient;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An unchanged Spring Cloud Alibaba application on mse-client's starter, on the embedded engine. */
class SpringCloudAlibabaAppTest {

  @TempDir
  Path snapshots;

  @Test
  void runsUnchangedOnTheEmbeddedEngine() throws Exception {
    try (MseClient publisher = MseClient.builder().snapshotDir(snapshots.resolve("publisher")).build()) {
      new ScaStyleScenario().run(publisher, "embedded", null, null, snapshots);
    }
  }
}
