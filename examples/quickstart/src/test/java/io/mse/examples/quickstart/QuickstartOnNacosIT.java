package io.mse.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mse.client.MseClient;
import io.mse.client.governance.Governance;
import io.mse.client.metrics.MseClientMetrics;
import io.mse.client.testing.nacos.NacosServerTarget;
import io.mse.client.testing.nacos.NacosServers;
import io.mse.client.testing.nacos.NacosServersExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The README's quickstart, every step, on a real Nacos server with auth on (of the build's servers,
 * see {@link NacosServers}: 3.0.3 with auth in CI), with the credentials the demo takes from
 * {@code MSE_USERNAME} / {@code MSE_PASSWORD}, its clients' meters bound to a registry (logins,
 * long polls, requests, changes and governance refusals counted against the real server). Skipped
 * when no auth-enabled server can be had.
 */
@ExtendWith(NacosServersExtension.class)
class QuickstartOnNacosIT {

  @Test
  void quickstartRunsEveryStepOnARealNacosWithAuth() throws Exception {
    Optional<NacosServerTarget> found = NacosServers.first(NacosServerTarget::auth);
    assumeTrue(found.isPresent(), () -> "no Nacos server with auth on: " + NacosServers.absence());
    NacosServerTarget server = found.get();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    // Micrometer's function meters hold their client weakly: once the demo closed its clients, a GC
    // would leave each meter at its last read value (0 for one never read), so the test holds them.
    java.util.List<io.mse.client.MseClient> clients = new java.util.concurrent.CopyOnWriteArrayList<>();
    new Quickstart(server.address(), server.username(), server.password(), null,
        new PrintStream(bytes, true, StandardCharsets.UTF_8))
        .onClient(client -> {
          clients.add(client);
          new MseClientMetrics(client).bindTo(registry);
        })
        .run();

    String out = bytes.toString(StandardCharsets.UTF_8);
    System.err.println("[quickstart on " + server + "]\n" + out);
    // The build's servers have a password the output cannot hold by chance (not the username).
    if (server.password().length() > 8 && !server.username().contains(server.password())) {
      assertThat(out).doesNotContain(server.password());
    }
    assertThat(out).contains("as '" + server.username() + "'")
        .contains("published and read back: greeting=hello")
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

    // The clients' meters count the real server's traffic.
    assertThat(registry.get("mse.client.logins").functionCounters()).anySatisfy(c -> assertThat(c.count()).isPositive());
    assertThat(registry.get("mse.client.long.polls").functionTimers()).anySatisfy(t -> assertThat(t.count()).isPositive());
    assertThat(registry.get("mse.client.requests").tag("outcome", "ok").functionCounters())
        .anySatisfy(c -> assertThat(c.count()).isPositive());
    assertThat(registry.get("mse.client.changes.delivered").tag("kind", "config").functionCounters())
        .anySatisfy(c -> assertThat(c.count()).isPositive());
    assertThat(registry.get("mse.governance.decisions").tag("application", "order-service")
        .tag("outcome", "bulkhead_full").functionCounter().count()).isEqualTo(4);
    assertThat(registry.get("mse.governance.decisions").tag("application", "order-service")
        .tag("outcome", "rate_limited").functionCounter().count()).isPositive();
    assertThat(clients).isNotEmpty(); // reachable until here

    // The demo leaves no rules behind to steer a real order-service.
    try (MseClient check = server.clientBuilder(Files.createTempDirectory("quickstart-check")).build()) {
      assertThat(check.config().getConfig(TrafficSteps.RULES_DATA_ID, Governance.RULES_GROUP)).isNull();
    }
  }
}
