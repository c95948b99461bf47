package io.mse.client.nacos.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.mse.client.MseClient;
import io.mse.client.naming.Instance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The thread budget of issue 3: a client with naming in use (an ephemeral instance beating, a
 * subscription with push) and 10,000 listened keys (4 long polls held by the server) runs on at most
 * 6 threads of its own.
 */
class NacosClientThreadsTest {

  private static final String LISTENER = "/nacos/v1/cs/configs/listener";
  private static final int KEYS = 10_000;

  @TempDir
  Path snapshots;

  private WireMockServer server;

  @BeforeEach
  void start() {
    server = NacosTestSupport.startWireMock();
    server.stubFor(get(urlPathEqualTo("/nacos/v1/cs/configs")).willReturn(aResponse().withStatus(404)
        .withBody("config data not exist")));
    server.stubFor(post(urlPathEqualTo(LISTENER)).withHeader("Long-Pulling-Timeout-No-Hangup", equalTo("true"))
        .willReturn(aResponse().withStatus(200).withBody("")));
    server.stubFor(post(urlPathEqualTo(LISTENER)).withHeader("Long-Pulling-Timeout-No-Hangup", absent())
        .willReturn(aResponse().withStatus(200).withBody("").withFixedDelay(5_000)));
    server.stubFor(any(urlPathEqualTo("/nacos/v1/ns/instance")).willReturn(aResponse().withStatus(200).withBody("ok")));
    server.stubFor(put(urlPathEqualTo("/nacos/v1/ns/instance/beat")).willReturn(aResponse().withStatus(200)
        .withBody("{\"clientBeatInterval\":5000,\"code\":10200,\"lightBeatEnabled\":true}")));
    server.stubFor(get(urlPathEqualTo("/nacos/v1/ns/instance/list")).willReturn(aResponse().withStatus(200)
        .withBody(NacosNamingTranscripts.DEMO_SVC_LIST)));
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  @Test
  void namingAndTenThousandListenedKeysRunOnAtMostSixThreads() {
    Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
    List<Object> events = new CopyOnWriteArrayList<>();
    List<String> started;
    try (MseClient client = NacosTestSupport.builder(server, snapshots).build()) {
      client.naming().registerInstance("demo-svc", null, Instance.of("10.0.0.7", 8080));
      client.naming().subscribe("demo-svc", null, events::add);
      for (int i = 0; i < KEYS; i++) {
        client.config().addListener("key-" + i, null, events::add);
      }
      // 4 batches of at most 3000 keys, each with a poll the server holds
      await().atMost(Duration.ofSeconds(60)).until(() -> server.findAll(postRequestedFor(urlPathEqualTo(LISTENER))
          .withoutHeader("Long-Pulling-Timeout-No-Hangup")).size() >= 4);

      started = startedSince(before);
      assertThat(started).as("threads started by the client: %s", started).hasSizeLessThanOrEqualTo(6);
      assertThat(started).anyMatch(name -> name.contains("-notify-"))
          .anyMatch(name -> name.contains("-config-"))
          .anyMatch(name -> name.contains("-naming-push-"))
          .anyMatch(name -> name.startsWith("HttpClient-"));
    }
    await().untilAsserted(() -> assertThat(startedSince(before)).noneMatch(name -> name.startsWith("mse-")));
  }

  /**
   * Names of the live threads started since {@code before}, leaving out WireMock's (Jetty's
   * {@code qtp...}) own; everything else counts: ours ({@code mse-...}), the JDK HttpClient's selector
   * ({@code HttpClient-<n>-SelectorManager}) and any unnamed or pool thread.
   */
  private static List<String> startedSince(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !before.contains(t))
        .map(Thread::getName)
        .filter(name -> !name.startsWith("qtp") && !name.startsWith("WireMock") && !name.contains("Jetty"))
        .sorted()
        .collect(Collectors.toList());
  }
}
