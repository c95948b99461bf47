package io.mse.client.dubbo.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.dubbo.testing.DubboApp;
import io.mse.client.dubbo.testing.Greeter;
import io.mse.client.naming.Instance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Interface-level registration and discovery by real Dubbo providers and consumers on the embedded engine. */
class InterfaceDiscoveryIT {

  private static final String SERVICE = "providers:" + Greeter.class.getName() + ":1.0.0:";

  @TempDir
  Path dir;

  private MseClient observer;

  @BeforeEach
  void observe() {
    observer = MseClient.builder().serverAddr("embedded").snapshotDir(dir.resolve("observer")).build();
  }

  @AfterEach
  void stopObserving() {
    observer.close();
  }

  private Map<String, String> registry(String who) {
    return Map.of(ClientSettings.SNAPSHOT_DIR, dir.resolve(who).toString());
  }

  @Test
  void providerIsRegisteredAsDubbosNacosRegistryWritesItAndAConsumerCallsIt() {
    try (DubboApp consumer = DubboApp.named("consumer-app").registry("mse://embedded", registry("consumer"))
        .consume("greeter", "1.0.0", null, Map.of()).start()) {
      long registered;
      try (DubboApp provider = DubboApp.named("provider-app").registry("mse://embedded", registry("provider"))
          .provide("p1", "1.0.0", null).start()) {
        registered = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).ignoreExceptions()
            .until(() -> consumer.greeter().greet("x").equals("p1:x"));
        Figures.record("embedded, interface level: provider registered -> consumer's first successful call",
            System.nanoTime() - registered);

        List<Instance> instances = observer.naming().getAllInstances(SERVICE, "DEFAULT_GROUP");
        assertThat(instances).singleElement().satisfies(instance -> {
          assertThat(instance.address()).isEqualTo("127.0.0.1:" + provider.port());
          assertThat(instance.metadata()).containsEntry("category", "providers").containsEntry("protocol", "tri")
              .containsEntry("path", Greeter.class.getName()).containsEntry("interface", Greeter.class.getName())
              .containsEntry("version", "1.0.0").containsEntry("side", "provider")
              .containsEntry("application", "provider-app").containsKey("methods").containsKey("timestamp");
        });
        // the consumer is not registered, as with Dubbo's Nacos registry by default
        assertThat(observer.naming().getServices("DEFAULT_GROUP")).noneMatch(name -> name.startsWith("consumers:"));
      }
      // the provider's shutdown took it out of the registry
      await().atMost(Duration.ofSeconds(10)).until(() -> observer.naming().getAllInstances(SERVICE, "DEFAULT_GROUP").isEmpty());
    }
  }

  @Test
  void aRegistryGroupIsTheNacosGroupAndAConsumerIsRegisteredWithPortZeroAsDubbosNacosRegistryDoes() {
    String consumers = "consumers:" + Greeter.class.getName() + ":1.0.0:blue";
    try (DubboApp provider = DubboApp.named("provider-app").registry("mse://embedded", registry("provider"))
        .registryParameter("group", "DUBBO_IT").provide("p1", "1.0.0", "blue").start()) {
      try (DubboApp consumer = DubboApp.named("consumer-app").registry("mse://embedded", registry("consumer"))
          .registryParameter("group", "DUBBO_IT").registryParameter("register-consumer-url", "true")
          .consume("greeter", "1.0.0", "blue", Map.of()).start()) {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> consumer.greeter().greet("x").equals("p1:x"));
        assertThat(observer.naming().getAllInstances("providers:" + Greeter.class.getName() + ":1.0.0:blue", "DUBBO_IT"))
            .hasSize(1);
        assertThat(observer.naming().getAllInstances("providers:" + Greeter.class.getName() + ":1.0.0:blue",
            "DEFAULT_GROUP")).isEmpty();
        // the consumer URL as it is: port 0, its parameters as metadata, in its own category
        await().atMost(Duration.ofSeconds(10)).until(() -> !observer.naming().getAllInstances(consumers, "DUBBO_IT").isEmpty());
        assertThat(observer.naming().getAllInstances(consumers, "DUBBO_IT")).singleElement().satisfies(instance -> {
          assertThat(instance.address()).isEqualTo("127.0.0.1:0");
          assertThat(instance.isConsumerRegistration()).isTrue();
          assertThat(instance.metadata()).containsEntry("side", "consumer").containsEntry("category", "consumers")
              .containsEntry("protocol", "consumer").containsEntry("path", Greeter.class.getName())
              .containsEntry("interface", Greeter.class.getName()).containsEntry("version", "1.0.0")
              .containsEntry("group", "blue").containsEntry("application", "consumer-app");
        });
        assertThat(observer.naming().getServices("DUBBO_IT")).containsExactlyInAnyOrder(
            "providers:" + Greeter.class.getName() + ":1.0.0:blue", consumers);
        assertThat(provider.port()).isPositive();
      }
      // the consumer's shutdown took its registration out; the provider's stays
      await().atMost(Duration.ofSeconds(10)).until(() -> observer.naming().getAllInstances(consumers, "DUBBO_IT").isEmpty());
      assertThat(observer.naming().getAllInstances("providers:" + Greeter.class.getName() + ":1.0.0:blue", "DUBBO_IT"))
          .hasSize(1);
    }
  }
}
