package io.mse.client.nacos.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.mse.client.nacos.internal.NacosNamingTranscripts.BEAT_OK;
import static io.mse.client.nacos.internal.NacosNamingTranscripts.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.mse.client.MseClient;
import io.mse.client.internal.SnapshotStore;
import io.mse.client.naming.Instance;
import io.mse.client.naming.ServiceKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Nacos naming engine under a whole {@link MseClient}: snapshot failover and shutdown. */
class NacosNamingClientTest {

  private static final String INSTANCE = "/nacos/v1/ns/instance";
  private static final String LIST = "/nacos/v1/ns/instance/list";
  private static final String SVC = "DEFAULT_GROUP@@snap-svc";

  @TempDir
  Path snapshots;
  private WireMockServer server;

  @BeforeEach
  void start() {
    server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
    server.stubFor(post(urlPathEqualTo(INSTANCE)).willReturn(ok("ok")));
    server.stubFor(delete(urlPathEqualTo(INSTANCE)).willReturn(ok("ok")));
    server.stubFor(put(urlPathEqualTo(INSTANCE + "/beat")).willReturn(okJson(BEAT_OK)));
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private MseClient client() {
    return MseClient.builder().serverAddr("127.0.0.1:" + server.port()).snapshotDir(snapshots)
        .requestTimeout(Duration.ofSeconds(1)).build();
  }

  private void answer(String json) {
    server.stubFor(get(urlPathEqualTo(LIST)).willReturn(okJson(json)));
  }

  private void unreachable() {
    server.stubFor(get(urlPathEqualTo(LIST)).willReturn(aResponse().withStatus(503)));
  }

  private Path snapshotFile() {
    return new SnapshotStore(snapshots, "127.0.0.1:" + server.port(), "")
        .serviceFile(new ServiceKey("", null, "snap-svc"));
  }

  /** A first client reads [9001, 9002]; the snapshot holds them once it is closed. */
  private void snapshotOfTwo() {
    answer(list(SVC, 1, 1000, 9001, 9002));
    try (MseClient first = client()) {
      assertThat(first.naming().getAllInstances("snap-svc")).hasSize(2);
      await().atMost(Duration.ofSeconds(5)).until(() -> Files.isRegularFile(snapshotFile()));
    }
  }

  private static Object ports(MseClient client) {
    return client.naming().getAllInstances("snap-svc").stream().map(Instance::port).toList();
  }

  @Test
  void servesTheSnapshotOnlyWhileTheServerCannotBeReached() {
    snapshotOfTwo();
    unreachable();

    try (MseClient client = client()) {
      assertThat(ports(client)).isEqualTo(java.util.List.of(9001, 9002));

      answer(list(SVC, 2, 1000, 9001));
      await().atMost(Duration.ofSeconds(10)).until(() -> ports(client).equals(java.util.List.of(9001)));
    }
  }

  @Test
  void neverResurrectsAnInstanceTheServerRemoved() throws Exception {
    snapshotOfTwo();
    answer(list(SVC, 2, 1000, 9001));

    try (MseClient client = client()) {
      assertThat(ports(client)).as("server reachable: its list, not the snapshot").isEqualTo(java.util.List.of(9001));
      await().atMost(Duration.ofSeconds(5)).until(() -> Files.readString(snapshotFile()).contains("9001")
          && !Files.readString(snapshotFile()).contains("9002"));

      unreachable();
      int before = server.findAll(getRequestedFor(urlPathEqualTo(LIST))).size();
      await().atMost(Duration.ofSeconds(10))
          .until(() -> server.findAll(getRequestedFor(urlPathEqualTo(LIST))).size() >= before + 2);

      assertThat(ports(client)).as("polls failing: still the server's last list").isEqualTo(java.util.List.of(9001));
    }
  }

  @Test
  void closeDeregistersAndStopsEveryThreadItStarted() {
    answer(list(SVC, 1, 10000, 9001));
    Set<Thread> before = mseThreads();
    MseClient client = client();
    client.naming().registerInstance("snap-svc", Instance.of("10.0.0.9", 8080));
    client.naming().getAllInstances("snap-svc");
    Set<String> started = mseThreads().stream().filter(t -> !before.contains(t)).map(Thread::getName)
        .collect(Collectors.toSet());
    assertThat(started).anyMatch(name -> name.matches("mse-c\\d+-naming-\\d+"))
        .anyMatch(name -> name.matches("mse-c\\d+-naming-push-\\d+"))
        .hasSizeLessThanOrEqualTo(6);

    client.close();

    server.verify(1, deleteRequestedFor(urlPathEqualTo(INSTANCE)).withQueryParam("ip", equalTo("10.0.0.9")));
    await().atMost(Duration.ofSeconds(5))
        .until(() -> mseThreads().stream().filter(t -> !before.contains(t)).findAny().isEmpty());
  }

  private static Set<Thread> mseThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("mse-")).collect(Collectors.toSet());
  }
}
