package io.mse.client.governance;

import static io.mse.client.governance.Fixtures.instance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mse.client.Ticker;
import io.mse.client.testing.FakeTicker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What the hot path's shortcuts must not change: one ticker reading per decision, the right service. */
class HotPathTest {

  final FakeNamingService naming = new FakeNamingService();
  final FakeTicker fake = new FakeTicker();
  final AtomicInteger reads = new AtomicInteger();
  final Ticker counting = () -> {
    reads.incrementAndGet();
    return fake.read();
  };

  @Test
  void aDecisionReadsTheTickerOnceAndItsOutcomeOnce() {
    naming.set("inv", instance("10.0.0.1"), instance("10.0.0.2"));
    Governance g = Governance.builder(naming).ticker(counting).rules(GovernanceRules.builder()
        .rateLimit(RateLimitRule.perSecond("inv", 1000))
        .circuitBreaker(CircuitBreakerRule.builder("inv").build())
        .build()).build();
    GovernedRequest request = GovernedRequest.of("inv");
    Decision d = g.newDecision();
    g.decide(request, d); // first use: reads the registry and subscribes
    d.onSuccess();

    reads.set(0);
    g.decide(request, d);
    assertThat(reads.get()).as("ticker reads by a decision with a rate limit and a breaker").isEqualTo(1);
    d.onSuccess();
    assertThat(reads.get()).as("ticker reads by decision and success").isEqualTo(2);
    assertThat(g.counters("inv").successes()).isEqualTo(2);
  }

  @Test
  void withoutABreakerTimeoutOrErrorRateRuleASuccessReadsNoTicker() {
    naming.set("inv", instance("10.0.0.1"), instance("10.0.0.2"));
    Governance g = Governance.builder(naming).ticker(counting).rules(GovernanceRules.builder()
        .outlierDetection("inv", OutlierDetectionRule.builder().consecutiveErrors(3).build()).build()).build();
    GovernedRequest request = GovernedRequest.of("inv");
    Decision d = g.newDecision();
    g.decide(request, d);
    d.onSuccess();

    reads.set(0);
    g.decide(request, d);
    d.onSuccess();
    assertThat(reads.get()).isEqualTo(1);
    assertThat(g.counters("inv").successes()).isEqualTo(2);

    g.setLocalRules(GovernanceRules.builder().timeout(new TimeoutRule("inv", Duration.ofMillis(100))).build());
    g.decide(request, d);
    fake.advanceMillis(150);
    reads.set(0);
    assertThat(d.onSuccess()).as("a success over the timeout").isInstanceOf(CallTimeoutException.class);
    assertThat(reads.get()).isEqualTo(1);
  }

  @Test
  void theWaitForTheRegistryOnAServicesFirstUseIsNotPartOfTheCall() {
    naming.set("inv", instance("10.0.0.1"));
    naming.onRead = () -> fake.advanceMillis(500);
    Governance g = Governance.builder(naming).ticker(fake).rules(GovernanceRules.builder()
        .rateLimit(RateLimitRule.perSecond("inv", 10))
        .timeout(new TimeoutRule("inv", Duration.ofMillis(100))).build()).build();

    Decision d = g.decide(GovernedRequest.of("inv"));
    assertThat(d.elapsedNanos()).isZero();
    assertThat(d.onSuccess()).isNull();
    assertThat(g.counters("inv").timeouts()).isZero();
  }

  @Test
  void oneResourceCalledOnTwoServicesGoesToEachServicesInstances() {
    naming.set("a", instance("10.0.0.1"));
    naming.set("b", instance("10.0.0.2"));
    Governance g = Governance.builder(naming).ticker(fake).build();
    GovernedRequest toA = GovernedRequest.builder("a").resource("shared").build();
    GovernedRequest toB = GovernedRequest.builder("b").resource("shared").build();

    for (int i = 0; i < 3; i++) {
      assertThat(pick(g, toA)).isEqualTo("10.0.0.1");
      assertThat(pick(g, toB)).isEqualTo("10.0.0.2");
    }
    assertThat(g.counters("shared").calls()).isEqualTo(6);
  }

  @Test
  void oneResourceCalledOnTwoServicesTakesEachServicesRules() {
    naming.set("a", instance("10.0.0.1"));
    naming.set("b", instance("10.0.0.2"));
    Governance g = Governance.builder(naming).ticker(fake).rules(GovernanceRules.builder()
        .timeout(new TimeoutRule("a", Duration.ofMillis(100)))
        .timeout(new TimeoutRule("b", Duration.ofMillis(200)))
        .rateLimit(RateLimitRule.perSecond("a", 1)).build()).build();
    GovernedRequest toA = GovernedRequest.builder("a").resource("shared").build();
    GovernedRequest toB = GovernedRequest.builder("b").resource("shared").build();

    for (int i = 0; i < 2; i++) { // the first round resolves, the second reads what was resolved
      assertThat(g.timeoutOf(toA)).isEqualTo(Duration.ofMillis(100));
      assertThat(g.timeoutOf(toB)).isEqualTo(Duration.ofMillis(200));
    }
    assertThat(pick(g, toA)).isEqualTo("10.0.0.1");
    // a's limit (1/s, spent) is not b's: b has none
    for (int i = 0; i < 3; i++) {
      assertThat(pick(g, toB)).isEqualTo("10.0.0.2");
    }
    assertThatThrownBy(() -> pick(g, toA)).isInstanceOf(RateLimitedException.class);
  }

  @Test
  void aResourcesOwnRulesHoldOnEveryService() {
    naming.set("a", instance("10.0.0.1"));
    naming.set("b", instance("10.0.0.2"));
    Governance g = Governance.builder(naming).ticker(fake).rules(GovernanceRules.builder()
        .timeout(new TimeoutRule("shared", Duration.ofMillis(300)))
        .timeout(new TimeoutRule("b", Duration.ofMillis(200))).build()).build();

    assertThat(g.timeoutOf(GovernedRequest.builder("a").resource("shared").build())).isEqualTo(Duration.ofMillis(300));
    assertThat(g.timeoutOf(GovernedRequest.builder("b").resource("shared").build())).isEqualTo(Duration.ofMillis(300));
  }

  private static String pick(Governance g, GovernedRequest request) {
    Decision d = g.decide(request);
    d.release();
    return d.instance().ip();
  }
}
