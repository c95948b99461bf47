package io.mse.client.dubbo.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.dubbo.registry.ClientSettings;
import io.mse.client.dubbo.registry.Figures;
import io.mse.client.dubbo.registry.SharedClients;
import io.mse.client.dubbo.testing.DubboApp;
import io.mse.client.dubbo.testing.Greeter;
import io.mse.client.naming.Instance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.dubbo.common.URL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Application-level registration and discovery (register-mode instance and all) with real Dubbo on the embedded engine. */
class ApplicationDiscoveryIT {

  private static final Map<String, String> FORCE_APPLICATION = Map.of("migration.step", "FORCE_APPLICATION");

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
  void anInstanceModeProviderIsRegisteredByApplicationMappedAndCalledAndComesBackAfterAnEmptyList() {
    try (DubboApp consumer = DubboApp.named("consumer-app").registry("mse://embedded", registry("consumer"))
        .consume("greeter", "1.0.0", null, FORCE_APPLICATION).start()) {
      try (DubboApp provider = DubboApp.named("provider-app").registry("mse://embedded", registry("provider"))
          .registerMode("instance").provide("p1", "1.0.0", null).start()) {
        long registered = System.nanoTime();
        // the four extensions of the provider share one client: registry, discovery, config center, metadata
        assertThat(SharedClients.openClients()).isEqualTo(2);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).ignoreExceptions()
            .until(() -> consumer.greeter().greet("x").equals("p1:x"));
        Figures.record("embedded, application level: provider registered -> consumer's first successful call",
            System.nanoTime() - registered);

        assertThat(observer.naming().getAllInstances("provider-app", "DEFAULT_GROUP")).singleElement()
            .satisfies(instance -> {
              assertThat(instance.address()).isEqualTo("127.0.0.1:" + provider.port());
              assertThat(instance.metadata()).containsKeys("dubbo.metadata.revision", "dubbo.endpoints",
                      "dubbo.metadata-service.url-params")
                  .containsEntry("dubbo.metadata.storage-type", "local");
            });
        // instance mode: nothing at interface level
        assertThat(observer.naming().getServices("DEFAULT_GROUP")).containsExactly("provider-app");
        // the interface -> application mapping, where Dubbo's Nacos metadata report keeps it
        assertThat(observer.config().getConfig(Greeter.class.getName(), "mapping")).isEqualTo("provider-app");
        assertThat(consumer.applicationLevelProviders("greeter")).extracting(URL::getPort)
            .containsExactly(provider.port());
      }
      // empty now: the consumer keeps its invoker (empty protection on by default) ...
      assertThat(consumer.applicationLevelProviders("greeter")).hasSize(1);
      // ... and calls the application's next instance
      try (DubboApp again = DubboApp.named("provider-app").registry("mse://embedded", registry("again"))
          .registerMode("instance").provide("p2", "1.0.0", null).start()) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).ignoreExceptions()
            .until(() -> consumer.greeter().greet("x").equals("p2:x"));
        assertThat(consumer.applicationLevelProviders("greeter")).extracting(URL::getPort)
            .containsExactly(again.port());
      }
    }
  }

  @Test
  void twoApplicationsOfOneInterfaceAreBothMappedAndRemoteMetadataIsStoredByRevision() {
    try (DubboApp a = DubboApp.named("app-a").registry("mse://embedded", registry("a")).registerMode("all")
            .metadataType("remote").provide("a", "1.0.0", null).start();
        DubboApp b = DubboApp.named("app-b").registry("mse://embedded", registry("b")).registerMode("all")
            .metadataType("remote").provide("b", "1.0.0", null).start();
        DubboApp consumer = DubboApp.named("consumer-app").registry("mse://embedded", registry("consumer"))
            .consume("greeter", "1.0.0", null, FORCE_APPLICATION).start()) {
      // appended by compare-and-set, in the order the applications registered
      assertThat(observer.config().getConfig(Greeter.class.getName(), "mapping")).isEqualTo("app-a,app-b");

      Instance instanceOfA = observer.naming().getAllInstances("app-a", "DEFAULT_GROUP").get(0);
      assertThat(instanceOfA.metadata()).containsEntry("dubbo.metadata.storage-type", "remote");
      String revision = instanceOfA.metadata().get("dubbo.metadata.revision");
      assertThat(observer.config().getConfig("app-a", revision)).contains(Greeter.class.getName())
          .contains("\"app\":\"app-a\"");
      // both levels registered (register-mode all)
      assertThat(observer.naming().getAllInstances("providers:" + Greeter.class.getName() + ":1.0.0:",
          "DEFAULT_GROUP")).hasSize(2);

      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(consumer.applicationLevelProviders("greeter"))
          .extracting(URL::getPort).containsExactlyInAnyOrder(a.port(), b.port()));
    }
    // the applications' registries, discoveries, config centers and metadata reports let go of their
    // clients, and stopped their threads
    assertThat(SharedClients.openClients()).isZero();
    await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.isAlive() && t.getName().startsWith("mse-dubbo-")));
  }
}
