package io.mse.client.nacos.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.mse.client.MseClient;
import io.mse.client.MseClientConfig;
import io.mse.client.testing.FakeTicker;
import io.mse.client.testing.FaultProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that failed an attempt rests for a back-off with jitter: rounds try it last while it rests,
 * an answer ends its rest, and consecutive failures lengthen it (see {@link Failover}).
 */
@Timeout(60)
class ServerRestTest {

  private static final long SECOND = Duration.ofSeconds(1).toNanos();

  @TempDir
  Path dir;

  private final FakeTicker ticker = new FakeTicker();
  private final Failover failover = new Failover(NacosAddress.parse("10.0.0.1:8848,10.0.0.2:8848,10.0.0.3:8848", null),
      ticker, 0);

  @Test
  void aFailedServerComesLastInTheRoundsWhileItRestsAndAnAnswerEndsItsRest() {
    assertThat(Attempts.order(failover, 0)).containsExactly(0, 1, 2);

    failover.failed(0);
    assertThat(failover.restNanos(0, ticker.read())).isBetween(SECOND / 2, SECOND); // 1 s with jitter
    assertThat(Attempts.order(failover, 0)).containsExactly(1, 2, 0);
    assertThat(Attempts.order(failover, 2)).containsExactly(2, 1, 0);

    ticker.advanceMillis(100);
    failover.failed(2);
    failover.failed(2); // a second failure in a row: 1-2 s, so it is back after server 0
    assertThat(failover.restNanos(2, ticker.read())).isBetween(SECOND, 2 * SECOND);
    assertThat(Attempts.order(failover, 2)).containsExactly(1, 0, 2);

    failover.answered(2, "10.0.0.3:8848");
    assertThat(failover.restNanos(2, ticker.read())).isZero();
    assertThat(Attempts.order(failover, 2)).containsExactly(2, 1, 0);

    ticker.advance(Duration.ofSeconds(1)); // server 0's rest is over: ring order again
    assertThat(failover.restNanos(0, ticker.read())).isZero();
    assertThat(Attempts.order(failover, 0)).containsExactly(0, 1, 2);
  }

  @Test
  void restsDoubleWithConsecutiveFailuresUpToHalfAMinuteAndAreSpread() {
    long longest = 0;
    for (int i = 0; i < 10; i++) {
      failover.failed(1);
      longest = Math.max(longest, failover.restNanos(1, ticker.read()));
    }
    assertThat(longest).isBetween(15 * SECOND, 30 * SECOND);

    long[] firsts = new long[20];
    for (int i = 0; i < firsts.length; i++) {
      Failover fresh = new Failover(NacosAddress.parse("10.0.0.1:8848", null), ticker, 0);
      fresh.failed(0);
      firsts[i] = fresh.restNanos(0, ticker.read());
    }
    for (long rest : firsts) {
      assertThat(rest).isBetween(SECOND / 2, SECOND);
    }
    assertThat(java.util.Arrays.stream(firsts).distinct().count()).as("jitter").isGreaterThan(1);
  }

  @Test
  void aRestingDeadNodeIsPassedOverWhenTheNodeInUseFailsAndStillTriedWhenNoOtherIsLeft() throws Exception {
    WireMockServer live = NacosTestSupport.startWireMock();
    live.stubFor(get(urlPathEqualTo("/nacos/v1/cs/configs")).willReturn(aResponse().withStatus(200).withBody("k=v")));
    try (FaultProxy first = FaultProxy.start(live.port()); FaultProxy dead = FaultProxy.start(live.port());
        FaultProxy third = FaultProxy.start(live.port())) {
      // ring order first → dead → third: without rests, a failure of "first" sends the next attempt to the dead node
      MseClientConfig settings = MseClient.builder().serverAddr(first.address() + "," + dead.address() + ","
          + third.address()).snapshotDir(dir).requestTimeout(Duration.ofSeconds(3)).toConfig();
      NacosAddress address = NacosAddress.parse(settings.serverAddr(), null);
      try (NacosTransport transport = new NacosTransport(address, NacosHttpClients.client(settings, address),
          ticker, 1)) { // a ticker that stands still: no rest ends during the test, however slow the host
        dead.resetAll();
        assertThat(read(transport)).isEqualTo("200 k=v"); // dead fails, then "third" answers
        int deadAttempts = dead.connections(); // the JDK client may retry a reset GET once itself
        assertThat(deadAttempts).isPositive();

        transport.failover().answered(0, first.address()); // requests start at "first" from now on
        first.resetAll(); // "first" fails: the ring's next is the dead node, which rests, so "third" is tried first
        for (int i = 0; i < 5; i++) {
          assertThat(read(transport)).isEqualTo("200 k=v");
        }
        assertThat(first.connections()).isBetween(1, 2); // one attempt, then it rests too
        assertThat(dead.connections()).as("attempts on the resting dead node").isEqualTo(deadAttempts);
        assertThat(third.count("GET", "/nacos/v1/cs/configs")).isEqualTo(6);

        third.resetAll(); // every node fails: the resting ones are still tried, none is skipped
        String outcome;
        try {
          outcome = read(transport);
        } catch (io.mse.client.ServerUnavailableException e) {
          outcome = e.getMessage();
        }
        assertThat(outcome).startsWith("No Nacos server of");
        assertThat(dead.connections()).isGreaterThan(deadAttempts);
      }
    } finally {
      live.stop();
    }
  }

  private static String read(NacosTransport transport) {
    NacosResponse response = transport.send(NacosRequest.get("/v1/cs/configs",
        Map.of("dataId", "rest.properties", "group", "DEFAULT_GROUP"), Duration.ofSeconds(3), "rest.properties"));
    return response.status() + " " + response.body();
  }
}
