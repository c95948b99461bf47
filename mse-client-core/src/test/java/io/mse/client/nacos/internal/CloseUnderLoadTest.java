package io.mse.client.nacos.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.mse.client.MseClient;
import io.mse.client.naming.Instance;
import io.mse.client.testing.FaultProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code close()} under load: a client with 200 listened configs (polls held by the server), followed
 * and pushed services, ephemeral instances beating, and six application threads reading and
 * publishing as fast as they can, is closed while the server answers, and while it is frozen (every request
 * hangs). close() returns within its bound (one request timeout for the deregistrations, 2 s for the
 * listeners, and slack) and afterwards no thread the client started is alive.
 */
@Timeout(120)
class CloseUnderLoadTest {

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
  /** What close() may take: one request timeout for the deregistrations, 2 s for listeners, slack. */
  private static final Duration CLOSE_BOUND = REQUEST_TIMEOUT.plusSeconds(2).plusSeconds(4);

  @TempDir
  Path snapshots;

  private WireMockServer server;
  private FaultProxy proxy;

  @BeforeEach
  void start() throws Exception {
    server = NacosTestSupport.startWireMock();
    String configs = "/nacos/v1/cs/configs";
    server.stubFor(get(urlPathEqualTo(configs)).willReturn(aResponse().withStatus(200).withBody("k=v")));
    server.stubFor(post(urlPathEqualTo(configs)).willReturn(aResponse().withStatus(200).withBody("true")));
    server.stubFor(post(urlPathEqualTo(configs + "/listener")).withHeader("Long-Pulling-Timeout-No-Hangup",
        equalTo("true")).willReturn(aResponse().withStatus(200).withBody("")));
    server.stubFor(post(urlPathEqualTo(configs + "/listener")).withHeader("Long-Pulling-Timeout-No-Hangup", absent())
        .willReturn(aResponse().withStatus(200).withBody("").withFixedDelay(9_000)));
    server.stubFor(post(urlPathEqualTo("/nacos/v1/ns/instance")).willReturn(aResponse().withStatus(200).withBody("ok")));
    server.stubFor(delete(urlPathEqualTo("/nacos/v1/ns/instance")).willReturn(aResponse().withStatus(200).withBody("ok")));
    server.stubFor(put(urlPathEqualTo("/nacos/v1/ns/instance/beat")).willReturn(okJson(NacosNamingTranscripts.BEAT_OK)));
    server.stubFor(get(urlPathEqualTo("/nacos/v1/ns/instance/list")).willReturn(okJson(
        NacosNamingTranscripts.list("DEFAULT_GROUP@@load-svc", 1000, 1000, 9001, 9002))));
    proxy = FaultProxy.start(server.port());
  }

  @AfterEach
  void stop() {
    proxy.close();
    server.stop();
  }

  @ParameterizedTest(name = "server frozen: {0}")
  @ValueSource(booleans = {false, true})
  void closeUnderLoadReturnsWithinItsBoundAndStopsEveryThreadItStarted(boolean frozen) throws Exception {
    MseClient client = MseClient.builder().serverAddr(proxy.address()).snapshotDir(snapshots)
        .requestTimeout(REQUEST_TIMEOUT).property("nacos.longPollTimeoutMillis", "10000").build();
    AtomicLong heard = new AtomicLong();
    for (int i = 0; i < 200; i++) {
      client.config().addListener("load-" + i + ".properties", "DEFAULT_GROUP", event -> heard.incrementAndGet());
    }
    client.naming().subscribe("load-svc", "DEFAULT_GROUP", event -> heard.incrementAndGet());
    for (int port = 9001; port <= 9003; port++) {
      client.naming().registerInstance("load-svc", Instance.of("127.0.0.1", port));
    }
    String prefix = "mse-" + clientId() + "-";
    await().until(() -> threadsNamed(prefix).size() >= 4); // notify, config, naming, naming-push

    AtomicBoolean loading = new AtomicBoolean(true);
    AtomicLong calls = new AtomicLong();
    List<Thread> application = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      int n = t;
      Thread thread = new Thread(() -> {
        while (loading.get()) {
          try {
            client.config().getConfig("load-" + (n * 7) + ".properties", "DEFAULT_GROUP");
            client.naming().selectOneHealthyInstance("load-svc");
            if (n == 0) {
              client.config().publishConfig("load-published.properties", "DEFAULT_GROUP", "n=" + calls.get());
            }
            calls.incrementAndGet();
          } catch (RuntimeException e) {
            // a call racing close(), or failing on the frozen server: what matters is close() itself
          }
        }
      }, "application-" + t);
      thread.start();
      application.add(thread);
    }
    await().until(() -> calls.get() > 100);
    if (frozen) {
      proxy.stall();
    }

    long started = System.nanoTime();
    client.close();
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    loading.set(false);
    for (Thread thread : application) {
      thread.join(REQUEST_TIMEOUT.multipliedBy(2).toMillis());
    }
    System.err.println("[close] frozen=" + frozen + ": close() took " + took.toMillis() + " ms after " + calls.get()
        + " calls, " + heard.get() + " events");
    assertThat(took).isLessThan(CLOSE_BOUND);
    // a stopped pool's worker may still be alive for a moment after its last task returned
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(threadsNamed(prefix)).isEmpty());
    proxy.heal();
  }

  private static String clientId() {
    // the client's threads are named after its id, which only they show: the newest config thread is ours
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
        .filter(name -> name.matches("mse-c\\d+-config-\\d+"))
        .map(name -> name.substring(4, name.indexOf("-config")))
        .max((a, b) -> Integer.compare(Integer.parseInt(a.substring(1)), Integer.parseInt(b.substring(1))))
        .orElseThrow();
  }

  private static Set<String> threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(name -> name.startsWith(prefix)).collect(Collectors.toSet());
  }
}
