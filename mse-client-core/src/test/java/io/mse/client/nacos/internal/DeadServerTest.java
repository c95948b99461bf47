package io.mse.client.nacos.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One node of a two-node address dies under a busy client (long polls, instance polls every second,
 * beats, uncached reads): no read fails (each moves to the live node within its deadline), and the
 * dead node is not hammered: requests start at the node that answered last, so the dead one is tried
 * again only if the live one fails. The dead node is a {@link FaultProxy} resetting every connection,
 * so that each attempt on it is counted.
 */
@Timeout(120)
class DeadServerTest {

  @TempDir
  Path snapshots;

  private WireMockServer live;
  private FaultProxy liveProxy;
  private FaultProxy dead;

  @BeforeEach
  void start() throws Exception {
    live = NacosTestSupport.startWireMock();
    String configs = "/nacos/v1/cs/configs";
    live.stubFor(get(urlPathEqualTo(configs)).willReturn(aResponse().withStatus(200).withBody("k=v")));
    live.stubFor(post(urlPathEqualTo(configs + "/listener")).withHeader("Long-Pulling-Timeout-No-Hangup",
        equalTo("true")).willReturn(aResponse().withStatus(200).withBody("")));
    live.stubFor(post(urlPathEqualTo(configs + "/listener")).withHeader("Long-Pulling-Timeout-No-Hangup", absent())
        .willReturn(aResponse().withStatus(200).withBody("").withFixedDelay(2000)));
    live.stubFor(post(urlPathEqualTo("/nacos/v1/ns/instance")).willReturn(aResponse().withStatus(200).withBody("ok")));
    live.stubFor(put(urlPathEqualTo("/nacos/v1/ns/instance/beat")).willReturn(okJson(NacosNamingTranscripts.BEAT_OK)));
    live.stubFor(get(urlPathEqualTo("/nacos/v1/ns/instance/list")).willReturn(okJson(
        NacosNamingTranscripts.list("DEFAULT_GROUP@@busy-svc", 1000, 1000, 9001))));
    liveProxy = FaultProxy.start(live.port());
    dead = FaultProxy.start(live.port());
  }

  @AfterEach
  void stop() {
    dead.close();
    liveProxy.close();
    live.stop();
  }

  @Test
  void aDeadNodeCostsNoFailedReadAndIsNotTriedAgainWhileTheOtherAnswers() throws Exception {
    try (MseClient client = MseClient.builder().serverAddr(dead.address() + "," + liveProxy.address())
        .snapshotDir(snapshots).requestTimeout(Duration.ofSeconds(2)).property("nacos.pushEnabled", "false")
        .property("nacos.longPollTimeoutMillis", "10000").build()) {
      for (int i = 0; i < 20; i++) {
        client.config().addListener("busy-" + i + ".properties", "DEFAULT_GROUP", event -> { });
      }
      client.naming().subscribe("busy-svc", "DEFAULT_GROUP", event -> { });
      client.naming().registerInstance("busy-svc", Instance.of("127.0.0.1", 9002));

      dead.resetAll(); // the node dies: every connection to it is reset from now on
      AtomicInteger reads = new AtomicInteger();
      java.util.concurrent.Callable<Boolean> uncachedRead = () -> {
        reads.incrementAndGet();
        return "k=v".equals(client.config().getConfig("uncached-" + reads.get() + ".properties", "DEFAULT_GROUP"));
      };
      // the switch: whatever was in flight on the dead node, or started there, moves to the live one
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
          .until(uncachedRead);
      int triedAtTheSwitch = dead.connections();
      int servedBefore = liveProxy.requests().size();
      // then 10 s of traffic: instance polls every second, beats, long polls, an uncached read every 100 ms
      await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
          .until(uncachedRead);
      int tried = dead.connections() - triedAtTheSwitch;
      int served = liveProxy.requests().size() - servedBefore;
      System.err.println("[dead-node] " + reads.get() + " uncached reads, none failed; then " + served
          + " requests to the live node and " + tried + " attempt(s) on the dead one in 10 s");
      assertThat(served).isGreaterThan(50);
      assertThat(tried).as("attempts on the dead node once the client moved").isZero();
    }
  }
}
