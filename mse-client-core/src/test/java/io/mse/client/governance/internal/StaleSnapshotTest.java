package io.mse.client.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mse.client.governance.FakeNamingService;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernanceRules;
import io.mse.client.governance.GovernedRequest;
import io.mse.client.governance.RateLimitRule;
import io.mse.client.governance.RateLimitedException;
import io.mse.client.naming.Instance;
import io.mse.client.testing.FakeTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A call that read the rule snapshot just before a reload resolves its policy just after it: the
 * live objects of the new rules must not change. The interleaving is played step by step.
 */
class StaleSnapshotTest {

  final FakeNamingService naming = new FakeNamingService();
  final FakeTicker ticker = new FakeTicker();
  final GovernedRequest pay = GovernedRequest.of("pay");

  static GovernanceRules limit(int perSecond) {
    return GovernanceRules.builder().rateLimit(RateLimitRule.perSecond("pay", perSecond)).build();
  }

  DefaultGovernance governance(GovernanceRules rules) {
    naming.set("pay", Instance.of("10.0.0.1", 8080));
    return (DefaultGovernance) Governance.builder(naming).ticker(ticker).rules(rules).build();
  }

  @Test
  void aPolicyResolvedOnAStaleSnapshotLeavesTheNewLimiterAlone() {
    DefaultGovernance g = governance(limit(2));
    RuleSnapshot stale = g.snapshot;          // a call reads the rules in force...
    g.setLocalRules(limit(4));                // ...a reload raises the limit...
    g.decide(pay).release();                  // ...new calls resolve the new rule...
    g.resolve(stale, "pay", "pay");           // ...and only then does the first call resolve its policy

    ticker.advance(Duration.ofSeconds(1));
    for (int i = 0; i < 4; i++) {
      g.decide(pay).release();
    }
    assertThatThrownBy(() -> g.decide(pay)).isInstanceOf(RateLimitedException.class);
  }

  @Test
  void aPolicyResolvedOnAStaleSnapshotDoesNotBringBackARemovedRule() {
    DefaultGovernance g = governance(limit(1));
    RuleSnapshot stale = g.snapshot;
    g.setLocalRules(GovernanceRules.EMPTY);   // the limit is removed...
    g.resolve(stale, "pay", "pay").limiter.tryAcquire(ticker.read());   // ...a late call spends the old limiter
    g.setLocalRules(limit(1));                // ...and the same limit comes back: a fresh limiter

    g.decide(pay).release();
    assertThat(g.counters("pay").rateLimited()).isZero();
  }
}
