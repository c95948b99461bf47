package io.mse.client.dubbo.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.dubbo.testing.DubboApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consumers of {@code *} and comma-separated groups and of version {@code *}, with real Dubbo on the
 * embedded engine; a group registered after the consumer started is found by the pattern's re-scan.
 */
class WildcardIT {

  private static final Map<String, String> FORCE_INTERFACE = Map.of("migration.step", "FORCE_INTERFACE");

  @TempDir
  Path dir;

  private Map<String, String> registry(String who) {
    return Map.of(ClientSettings.SNAPSHOT_DIR, dir.resolve(who).toString(), MseRegistry.SERVICE_SCAN_SECONDS, "1");
  }

  @Test
  @SuppressWarnings("try") // apps held open for the test's duration
  void wildcardAndCommaSeparatedGroupsAndAnyVersionReachTheirProviders() {
    try (DubboApp providers = DubboApp.named("provider-app").registry("mse://embedded", registry("providers"))
            .provide("g1", "1.0.0", "g1").provide("g2", "1.0.0", "g2")
            .provide("v1", "1.0.0", null).provide("v2", "2.0.0", null).start();
        DubboApp consumer = DubboApp.named("consumer-app").registry("mse://embedded", registry("consumer"))
            .consumeMerged("any-group", "1.0.0", "*", FORCE_INTERFACE)
            .consumeMerged("g1-or-g3", "1.0.0", "g1,g3", FORCE_INTERFACE)
            .consume("any-version", "*", null, FORCE_INTERFACE).start()) {

      // group * takes every group of the version, the empty one included (Dubbo's UrlUtils.isMatch)
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() ->
          assertThat(consumer.greeter("any-group").tags()).containsExactlyInAnyOrder("g1", "g2", "v1"));
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() ->
          assertThat(consumer.greeter("g1-or-g3").tags()).containsExactly("g1"));
      Set<String> versions = new HashSet<>();
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions().pollInterval(Duration.ofMillis(20)).until(() -> {
        versions.add(consumer.greeter("any-version").greet("x"));
        return versions.size() == 2;
      });
      assertThat(versions).containsExactlyInAnyOrder("v1:x", "v2:x");

      // a group that appears later is found by the consumers whose pattern accepts it
      try (DubboApp late = DubboApp.named("late-provider").registry("mse://embedded", registry("late"))
          .provide("g3", "1.0.0", "g3").start()) {
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() ->
            assertThat(consumer.greeter("g1-or-g3").tags()).containsExactlyInAnyOrder("g1", "g3"));
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() ->
            assertThat(consumer.greeter("any-group").tags()).containsExactlyInAnyOrder("g1", "g2", "g3", "v1"));
      }
    }
  }
}
