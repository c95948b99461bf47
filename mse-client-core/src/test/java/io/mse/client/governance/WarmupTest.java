package io.mse.client.governance;

import static io.mse.client.governance.Fixtures.instance;
import static io.mse.client.governance.Fixtures.sample;
import static org.assertj.core.api.Assertions.assertThat;

import io.mse.client.naming.Instance;
import io.mse.client.testing.FakeTicker;
import io.mse.client.testing.FakeWallClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Warm-up on the injected ticker, from when a client first saw an instance or from the start time the
 * instance announces ({@link Instance#START_TIME_METADATA_KEY}) placed on the ticker by the injected
 * wall clock.
 */
class WarmupTest {

  static final long T0 = 1_700_000_000_000L;   // the wall clock's epoch ms when the tests start

  final FakeNamingService naming = new FakeNamingService();
  final FakeTicker ticker = new FakeTicker();
  final FakeWallClock wall = new FakeWallClock(T0);

  double newShare(Governance g) {
    return sample(g, GovernedRequest.of("svc"), 40_000).getOrDefault("10.0.0.2", 0) / 40_000.0;
  }

  /** Both clocks move together, as they do in a real process. */
  void advance(Duration duration) {
    ticker.advance(duration);
    wall.advance(duration);
  }

  Governance governance(LoadBalancerType type, Duration warmup) {
    return Governance.builder(naming).ticker(ticker).wallClock(wall).rules(GovernanceRules.builder()
        .loadBalancer("*", new LoadBalancerRule(type, null, warmup)).build()).build();
  }

  static Instance startedAt(String ip, long epochMillis) {
    return instance(ip, Instance.START_TIME_METADATA_KEY, Long.toString(epochMillis));
  }

  static Instance startedAt(String ip, String value) {
    return instance(ip, Instance.START_TIME_METADATA_KEY, value);
  }

  @Test
  void rampsANewInstancesWeightOverTickerTime() {
    naming.set("svc", instance("10.0.0.1"));
    Governance g = governance(LoadBalancerType.ROUND_ROBIN, Duration.ofSeconds(100));
    g.decide(GovernedRequest.of("svc")).release();

    naming.set("svc", instance("10.0.0.1"), instance("10.0.0.2"));

    assertThat(newShare(g)).isBetween(0.005, 0.02);          // weight 1%
    ticker.advance(Duration.ofSeconds(50));
    assertThat(newShare(g)).isBetween(0.31, 0.36);           // 0.5 / 1.5
    ticker.advance(Duration.ofSeconds(50));
    assertThat(newShare(g)).isBetween(0.48, 0.52);           // warm: plain round robin, exactly half
  }

  @Test
  void instancesKnownAtTheFirstListAreWarm() {
    naming.set("svc", instance("10.0.0.1"), instance("10.0.0.2"));
    Governance g = governance(LoadBalancerType.RANDOM, Duration.ofMinutes(10));

    assertThat(newShare(g)).isBetween(0.48, 0.52);
  }

  @Test
  void anAnnouncedStartTimeRampsEvenAnInstanceOfTheFirstList() {
    naming.set("svc", instance("10.0.0.1"), startedAt("10.0.0.2", T0 - 50_000));   // started 50 s ago
    Governance g = governance(LoadBalancerType.RANDOM, Duration.ofSeconds(100));

    assertThat(newShare(g)).isBetween(0.31, 0.36);           // 0.5 / 1.5
    advance(Duration.ofSeconds(25));
    assertThat(newShare(g)).isBetween(0.40, 0.46);           // 0.75 / 1.75
    advance(Duration.ofSeconds(25));
    assertThat(newShare(g)).isBetween(0.48, 0.52);           // warm
  }

  @Test
  void callersThatStartLaterRampTheInstanceAlike() {
    naming.set("svc", instance("10.0.0.1"), startedAt("10.0.0.2", T0));
    Governance early = governance(LoadBalancerType.ROUND_ROBIN, Duration.ofSeconds(100));
    assertThat(newShare(early)).isBetween(0.005, 0.02);      // just started: 1%

    advance(Duration.ofSeconds(60));
    Governance late = governance(LoadBalancerType.ROUND_ROBIN, Duration.ofSeconds(100));

    double expected = 0.6 / 1.6;                             // 60 s into a 100 s warm-up, for both
    assertThat(newShare(early)).isBetween(expected - 0.025, expected + 0.025);
    assertThat(newShare(late)).isBetween(expected - 0.025, expected + 0.025);
    advance(Duration.ofSeconds(40));
    assertThat(newShare(early)).isBetween(0.48, 0.52);
    assertThat(newShare(late)).isBetween(0.48, 0.52);
  }

  @Test
  void theRampFollowsTheTickerOnceTheStartTimeIsPlaced() {
    naming.set("svc", instance("10.0.0.1"), startedAt("10.0.0.2", T0));
    Governance g = governance(LoadBalancerType.RANDOM, Duration.ofSeconds(100));
    newShare(g);

    wall.advance(Duration.ofHours(1));                       // a wall-clock step (NTP) changes nothing
    assertThat(newShare(g)).isBetween(0.005, 0.02);
    ticker.advance(Duration.ofSeconds(50));
    assertThat(newShare(g)).isBetween(0.31, 0.36);
  }

  @Test
  void aStartTimeInTheFutureCountsAsNow() {
    naming.set("svc", instance("10.0.0.1"), startedAt("10.0.0.2", T0 + 30_000));   // the provider's clock is ahead
    Governance g = governance(LoadBalancerType.RANDOM, Duration.ofSeconds(100));

    assertThat(newShare(g)).isBetween(0.005, 0.02);
    advance(Duration.ofSeconds(50));
    assertThat(newShare(g)).isBetween(0.31, 0.36);
  }

  @Test
  void aStartTimeLongGoneIsWarm() {
    naming.set("svc", instance("10.0.0.1"));
    Governance g = governance(LoadBalancerType.RANDOM, Duration.ofSeconds(100));
    newShare(g);

    naming.set("svc", instance("10.0.0.1"), startedAt("10.0.0.2", T0 - 3_600_000));
    assertThat(newShare(g)).isBetween(0.48, 0.52);
  }

  @Test
  void anUnparsableStartTimeIsIgnored() {
    naming.set("svc", instance("10.0.0.1"), startedAt("10.0.0.2", "yesterday"));
    Governance g = governance(LoadBalancerType.RANDOM, Duration.ofSeconds(100));
    assertThat(newShare(g)).isBetween(0.48, 0.52);           // in the first list: warm, as without the key

    naming.set("svc", instance("10.0.0.1"), instance("10.0.0.2"), startedAt("10.0.0.3", "-5"));
    double third = sample(g, GovernedRequest.of("svc"), 40_000).getOrDefault("10.0.0.3", 0) / 40_000.0;
    assertThat(third).isBetween(0.002, 0.01);                // newly seen: ramps from now, as without the key
  }

  @Test
  void aRestartAnnouncingANewStartTimeRampsAgain() {
    naming.set("svc", instance("10.0.0.1"), startedAt("10.0.0.2", T0 - 3_600_000));
    Governance g = governance(LoadBalancerType.RANDOM, Duration.ofSeconds(100));
    assertThat(newShare(g)).isBetween(0.48, 0.52);

    naming.set("svc", instance("10.0.0.1"), startedAt("10.0.0.2", T0));   // same address, started again
    assertThat(newShare(g)).isBetween(0.005, 0.02);
  }
}
