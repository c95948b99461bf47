package io.mse.client.dubbo.config;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.mse.client.MseClient;
import io.mse.client.config.ConfigChangeEvent;
import io.mse.client.dubbo.testing.DubboApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listeners added while the server cannot be reached (and no snapshot exists) are not lost: the key is
 * tried again in the background, against a Nacos stub that appears later on the same loopback port.
 */
class ConfigWatchesTest {

  @TempDir
  Path dir;

  private WireMockServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  private MseClient client(int port) {
    return MseClient.builder().serverAddr("127.0.0.1:" + port).snapshotDir(dir).requestTimeout(Duration.ofMillis(300))
        .build();
  }

  private void serveOn(int port, String content) {
    server = new WireMockServer(options().port(port).bindAddress("127.0.0.1"));
    server.start();
    server.stubFor(get(urlPathEqualTo("/nacos/v1/cs/configs")).willReturn(aResponse().withStatus(200).withBody(content)));
    server.stubFor(post(urlPathEqualTo("/nacos/v1/cs/configs/listener"))
        .willReturn(aResponse().withStatus(200).withBody("").withFixedDelay(100)));
  }

  @Test
  void aListenerAddedWhileTheServerIsDownGetsTheConfigOnceTheServerAnswers() {
    int port = DubboApp.freePort();
    List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();
    try (MseClient client = client(port);
        ConfigWatches watches = new ConfigWatches(client.config(), Duration.ofMillis(300), "test-watches")) {
      assertThat(watches.add("app.tag-router", "dubbo", this, events::add)).isNull();

      serveOn(port, "rule-v1");
      await().atMost(Duration.ofSeconds(15)).until(() -> !events.isEmpty());
      assertThat(events).singleElement().satisfies(event -> {
        assertThat(event.content()).isEqualTo("rule-v1");
        assertThat(event.previousContent()).isNull();
        assertThat(event.md5()).isEqualTo(Md5Hex.of("rule-v1"));
      });
      // a second listener of the key is answered from memory
      assertThat(watches.add("app.tag-router", "dubbo", "second", e -> {})).isEqualTo("rule-v1");
    }
  }

  @Test
  void removingTheListenersStopsTheRetries() {
    int port = DubboApp.freePort();
    try (MseClient client = client(port);
        ConfigWatches watches = new ConfigWatches(client.config(), Duration.ofMillis(300), "test-watches")) {
      assertThat(watches.add("app.tag-router", "dubbo", this, e -> {})).isNull();
      watches.remove("app.tag-router", "dubbo", this);

      serveOn(port, "rule-v1");
      await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4))
          .until(() -> server.findAll(getRequestedFor(urlPathEqualTo("/nacos/v1/cs/configs"))).isEmpty());
    }
  }

  @Test
  void theMd5OfContentIsNacosOwn() {
    // md5("k=v1") as the Nacos transcripts show it
    assertThat(Md5Hex.of("k=v1")).isEqualTo("36ddd9a7d9fc0de63dbaaf376d7de652");
  }
}
