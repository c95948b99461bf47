package io.mse.client.dubbo.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mse.client.dubbo.testing.DubboApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.RpcException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provider list that becomes empty and fills again, with real Dubbo on the embedded engine: with the
 * registry's empty protection (on by default) the consumer keeps its invokers; without it Dubbo drops
 * them; either way the consumer calls the providers that come back.
 */
class EmptyListIT {

  @TempDir
  Path dir;

  private Map<String, String> registry(String who) {
    return Map.of(ClientSettings.SNAPSHOT_DIR, dir.resolve(who).toString());
  }

  private DubboApp provider(String tag, Map<String, String> params) {
    return DubboApp.named("provider-app").registry("mse://embedded", params).provide(tag, "1.0.0", null).start();
  }

  private static void awaitAnswer(DubboApp consumer, String expected) {
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10)).ignoreExceptions()
        .until(() -> consumer.greeter().greet("x").equals(expected + ":x"));
  }

  @Test
  @SuppressWarnings("try") // apps held open for the test's duration
  void withEmptyProtectionTheConsumerKeepsItsInvokersAndCallsProvidersThatComeBack() {
    try (DubboApp consumer = DubboApp.named("consumer-app").registry("mse://embedded", registry("consumer"))
        .consume("greeter", "1.0.0", null, Map.of()).start()) {
      URL first;
      try (DubboApp p1 = provider("p1", registry("p1"))) {
        awaitAnswer(consumer, "p1");
        first = consumer.interfaceLevelProviders("greeter").get(0);
      }
      // the registry lists no provider now; the last invoker is kept (Dubbo's default would drop it)
      assertThat(consumer.interfaceLevelProviders("greeter")).extracting(URL::getAddress)
          .containsExactly(first.getAddress());

      long registered;
      try (DubboApp p2 = provider("p2", registry("p2"))) {
        registered = System.nanoTime();
        awaitAnswer(consumer, "p2");
        Figures.record("embedded, interface level, warm consumer: provider registered -> first successful call",
            System.nanoTime() - registered);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(consumer.interfaceLevelProviders("greeter"))
            .extracting(URL::getPort).containsExactly(p2.port()));
      }
    }
  }

  @Test
  @SuppressWarnings("try") // apps held open for the test's duration
  void withoutEmptyProtectionDubboDropsItsInvokersAndRecoversWhenAProviderComesBack() {
    Map<String, String> consumerRegistry = Map.of(ClientSettings.SNAPSHOT_DIR, dir.resolve("consumer").toString(),
        "enable-empty-protection", "false");
    try (DubboApp consumer = DubboApp.named("consumer-app").registry("mse://embedded", consumerRegistry)
        .consume("greeter", "1.0.0", null, Map.of()).start()) {
      try (DubboApp p1 = provider("p1", registry("p1"))) {
        awaitAnswer(consumer, "p1");
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> consumer.interfaceLevelProviders("greeter").isEmpty());
      assertThatThrownBy(() -> consumer.greeter().greet("x")).isInstanceOf(RpcException.class)
          .hasMessageContaining("No provider available");

      try (DubboApp p2 = provider("p2", registry("p2"))) {
        awaitAnswer(consumer, "p2");
      }
    }
  }
}
