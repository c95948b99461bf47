package io.mse.client.dubbo.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.dubbo.testing.DubboApp;
import io.mse.client.dubbo.testing.Greeter;
import io.mse.client.dubbo.testing.ShutdownProbe;
import io.mse.client.naming.Instance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.dubbo.common.URL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provider that shuts down leaves the registry before its protocol stops serving. (The providers speak
 * Dubbo's {@code dubbo} protocol here: a stopping triple protocol closes every triple server of the JVM,
 * p2's included, which only happens because both providers share this test JVM.)
 */
class ShutdownIT {

  private static final String SERVICE = "providers:" + Greeter.class.getName() + ":1.0.0:";

  @TempDir
  Path dir;

  @AfterEach
  void forgetProbe() {
    ShutdownProbe.onUnexported(exporter -> {});
  }

  private Map<String, String> registry(String who) {
    return Map.of(ClientSettings.SNAPSHOT_DIR, dir.resolve(who).toString());
  }

  /** What the registry holds now, read from the server by a client that has never read it. */
  private List<Instance> registered(String service) {
    try (MseClient fresh = MseClient.builder().serverAddr("embedded")
        .snapshotDir(dir.resolve("fresh-" + System.nanoTime())).build()) {
      return fresh.naming().getAllInstances(service, "DEFAULT_GROUP");
    }
  }

  @Test
  void aStoppingProviderIsDeregisteredAtBothLevelsBeforeItsServiceIsUnexported() {
    stopsDeregisteredAtBothLevelsBeforeUnexport(DubboApp::close);
  }

  /**
   * The stop Dubbo's Spring integration makes on context close: the module alone, whose services Dubbo
   * unexports before it stops the application (and so before the discovery deregisters the instance).
   */
  @Test
  void aProviderWhoseLastModuleStopsIsDeregisteredAtBothLevelsBeforeItsServiceIsUnexported() {
    stopsDeregisteredAtBothLevelsBeforeUnexport(p1 -> {
      try {
        p1.application().getDefaultModule().destroy();
        assertThat(p1.application().isDestroyed()).as("Dubbo stopped the application after its last module").isTrue();
      } finally {
        p1.close();
      }
    });
  }

  private void stopsDeregisteredAtBothLevelsBeforeUnexport(java.util.function.Consumer<DubboApp> stop) {
    List<String> atUnexport = new CopyOnWriteArrayList<>();
    AtomicInteger p1Port = new AtomicInteger();
    try (MseClient observer = MseClient.builder().serverAddr("embedded").snapshotDir(dir.resolve("observer")).build();
        DubboApp p2 = DubboApp.named("provider-app").registry("mse://embedded", registry("p2")).registerMode("all")
            .protocol("dubbo").provide("p2", "1.0.0", null).start();
        DubboApp consumer = DubboApp.named("consumer-app").registry("mse://embedded", registry("consumer"))
            .consume("greeter", "1.0.0", null, Map.of("migration.step", "FORCE_INTERFACE")).start()) {
      DubboApp p1 = DubboApp.named("provider-app").registry("mse://embedded", registry("p1")).registerMode("all")
          .protocol("dubbo").provide("p1", "1.0.0", null).exporterListener("mse-shutdown-probe").start();
      p1Port.set(p1.port());
      await().atMost(Duration.ofSeconds(20)).until(() -> consumer.interfaceLevelProviders("greeter").size() == 2);
      assertThat(observer.naming().getAllInstances("provider-app", "DEFAULT_GROUP")).hasSize(2);

      ShutdownProbe.onUnexported(exporter -> {
        if (exporter.getInvoker().getUrl().getPort() != p1Port.get()) {
          return;
        }
        atUnexport.add("interface level: " + ports(registered(SERVICE)));
        atUnexport.add("application level: " + ports(registered("provider-app")));
      });
      stop.accept(p1);

      assertThat(atUnexport).containsExactly("interface level: [" + p2.port() + "]",
          "application level: [" + p2.port() + "]");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(consumer.interfaceLevelProviders("greeter"))
          .extracting(URL::getPort).containsExactly(p2.port()));
      assertThat(consumer.greeter().greet("x")).isEqualTo("p2:x");
    }
  }

  private static List<Integer> ports(List<Instance> instances) {
    return instances.stream().map(Instance::port).sorted().toList();
  }
}
