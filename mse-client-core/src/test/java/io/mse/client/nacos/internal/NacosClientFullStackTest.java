package io.mse.client.nacos.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.mse.client.MseClient;
import io.mse.client.config.ConfigChangeEvent;
import io.mse.client.config.ConfigKey;
import io.mse.client.internal.SnapshotStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MseClient over the Nacos engine against stubs: the cache layer and the engine together. */
class NacosClientFullStackTest {

  private static final String LISTENER = "/nacos/v1/cs/configs/listener";
  private static final String CONFIGS = "/nacos/v1/cs/configs";

  @TempDir
  Path snapshots;

  private WireMockServer server;

  @BeforeEach
  void start() {
    server = NacosTestSupport.startWireMock();
    server.stubFor(get(urlPathEqualTo(CONFIGS)).inScenario("config").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(200).withHeader("Config-Type", "properties").withBody("k=v1")));
    server.stubFor(get(urlPathEqualTo(CONFIGS)).inScenario("config").whenScenarioStateIs("changed")
        .willReturn(aResponse().withStatus(200).withBody("k=v2")));
    server.stubFor(post(urlPathEqualTo(CONFIGS)).willReturn(aResponse().withStatus(200).withBody("true")));
    server.stubFor(post(urlPathEqualTo(LISTENER)).withHeader("Long-Pulling-Timeout-No-Hangup", equalTo("true"))
        .willReturn(aResponse().withStatus(200).withBody("")));
    server.stubFor(post(urlPathEqualTo(LISTENER)).withHeader("Long-Pulling-Timeout-No-Hangup", absent())
        .inScenario("config").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(200).withBody("").withFixedDelay(200)));
    server.stubFor(post(urlPathEqualTo(LISTENER)).withHeader("Long-Pulling-Timeout-No-Hangup", absent())
        .inScenario("config").whenScenarioStateIs("changed")
        .willReturn(aResponse().withStatus(200).withBody("demo.properties%02DEFAULT_GROUP%01\n").withFixedDelay(50)));
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  @Test
  void getsPublishesAndListensThroughTheClient() {
    List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();
    try (MseClient client = NacosTestSupport.builder(server, snapshots).build()) {
      assertThat(client.config().publishConfig("demo.properties", null, "k=v1", "properties")).isTrue();
      assertThat(client.config().getConfigAndAddListener("demo.properties", null, Duration.ofSeconds(2), events::add))
          .isEqualTo("k=v1");
      await().until(() -> !server.findAll(postRequestedFor(urlPathEqualTo(LISTENER))
          .withoutHeader("Long-Pulling-Timeout-No-Hangup")).isEmpty());

      server.setScenarioState("config", "changed");

      await().until(() -> events.size() == 1);
      assertThat(events.get(0).content()).isEqualTo("k=v2");
      assertThat(events.get(0).previousContent()).isEqualTo("k=v1");
      assertThat(client.config().getConfig("demo.properties", null)).isEqualTo("k=v2");
      // the server keeps answering "changed" for the same content: the cache notifies only once
      int polls = server.findAll(postRequestedFor(urlPathEqualTo(LISTENER))).size();
      await().until(() -> server.findAll(postRequestedFor(urlPathEqualTo(LISTENER))).size() > polls + 3);
      assertThat(events).hasSize(1);
    }
    // A terminated pool's worker may still be "alive" for a moment after its last task returned.
    await().untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().matches("mse-c\\d+-config-\\d+"))).isEmpty());
  }

  @Test
  void aFailoverFileOverridesTheServerAndReachesListenersUntilItIsRemoved() throws Exception {
    List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();
    MseClient.Builder builder = NacosTestSupport.builder(server, snapshots)
        .property("nacos.failoverCheckMillis", "50"); // the name it had when only Nacos had failover
    Path failoverDir = new SnapshotStore(snapshots, "127.0.0.1:" + server.port(), "").root().resolve("failover");
    try (MseClient client = builder.build()) {
      assertThat(client.config().getConfigAndAddListener("demo.properties", null, Duration.ofSeconds(2), events::add))
          .isEqualTo("k=v1");
      Path file = failoverDir.resolve("config").resolve("DEFAULT_GROUP").resolve("demo.properties");
      Files.createDirectories(file.getParent());
      Files.writeString(file, "k=failover", StandardCharsets.UTF_8);

      await().until(() -> events.stream().anyMatch(e -> "k=failover".equals(e.content())));
      assertThat(client.config().getConfig("demo.properties", null)).isEqualTo("k=failover");

      Path other = failoverDir.resolve("config").resolve("G").resolve(SnapshotStore.escape("app:x"));
      Files.createDirectories(other.getParent());
      Files.writeString(other, "from-file", StandardCharsets.UTF_8);
      assertThat(client.config().getConfig("app:x", "G")).isEqualTo("from-file");

      Files.delete(file);
      await().until(() -> "k=v1".equals(events.get(events.size() - 1).content()));
      assertThat(client.config().getConfig("demo.properties", null)).isEqualTo("k=v1");
    }
    assertThat(ConfigKey.of("app:x", "G").dataId()).isEqualTo("app:x");
  }
}
