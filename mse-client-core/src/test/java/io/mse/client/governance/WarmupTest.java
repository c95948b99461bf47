package io.mse.client.governance;

import static io.mse.client.governance.Fixtures.instance;
import static io.mse.client.governance.Fixtures.sample;
import static org.assertj.core.api.Assertions.assertThat;

import io.mse.client.testing.FakeTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WarmupTest {

  final FakeNamingService naming = new FakeNamingService();
  final FakeTicker ticker = new FakeTicker();

  double newShare(Governance g) {
    return sample(g, GovernedRequest.of("svc"), 40_000).getOrDefault("10.0.0.2", 0) / 40_000.0;
  }

  @Test
  void rampsANewInstancesWeightOverTickerTime() {
    naming.set("svc", instance("10.0.0.1"));
    Governance g = Governance.builder(naming).ticker(ticker).rules(GovernanceRules.builder()
        .loadBalancer("svc", new LoadBalancerRule(LoadBalancerType.ROUND_ROBIN, null, Duration.ofSeconds(100)))
        .build()).build();
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
    Governance g = Governance.builder(naming).ticker(ticker).rules(GovernanceRules.builder()
        .loadBalancer("*", new LoadBalancerRule(LoadBalancerType.RANDOM, null, Duration.ofMinutes(10)))
        .build()).build();

    assertThat(newShare(g)).isBetween(0.48, 0.52);
  }
}
