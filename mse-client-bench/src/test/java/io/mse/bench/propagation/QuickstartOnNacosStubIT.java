package io.mse.bench.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import io.mse.examples.quickstart.Quickstart;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The README's quickstart, every step, on the Nacos engine against the loopback stub server: config
 * long polling, registration with beats, UDP push to subscribers, and governance rules published
 * through the Nacos config API.
 */
class QuickstartOnNacosStubIT {

  @Test
  void quickstartRunsEveryStepOnTheNacosEngine() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (StubNacosServer stub = new StubNacosServer()) {
      new Quickstart(stub.address(), new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
    }
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(out).contains("published and read back: greeting=hello")
        .containsPattern("listener called with 'greeting=hello-again' [0-9.]+ ms after the publish")
        .containsPattern("removed \\[inventory-1 \\(127\\.0\\.0\\.1#\\d+#DEFAULT#DEFAULT_GROUP@@inventory-service\\)\\],"
            + " 1 instance\\(s\\) left")
        .contains("5 more calls, all answered by: {inventory-2=5}")
        .containsPattern("=> a 5% canary: v2 answered [0-9.]+% of 1000")
        .containsPattern("outlier ejection took the failing instance out: errors: 3 in calls 1-\\d+, 0 in the")
        .containsPattern("offered \\d+ calls in [0-9.]+ s: \\d+ allowed, [1-9]\\d* rejected")
        .contains("4 refused with BulkheadFullException")
        .contains("closed; 0 client thread(s) left running")
        .contains("done:");
  }
}
