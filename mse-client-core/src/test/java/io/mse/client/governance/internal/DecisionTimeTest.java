package io.mse.client.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.governance.BulkheadRule;
import io.mse.client.governance.Decision;
import io.mse.client.governance.FakeNamingService;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernanceRules;
import io.mse.client.governance.GovernedRequest;
import io.mse.client.naming.Instance;
import io.mse.client.testing.FakeTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The sampled decision time ({@code mse.governance.decision.duration}) is the decision's own work:
 * a wait for a bulkhead place is left out. The decision is made sampled by hand (sampling is random),
 * and the wait is played by advancing the fake ticker while the deciding thread is parked.
 */
class DecisionTimeTest {

  final FakeNamingService naming = new FakeNamingService();
  final FakeTicker ticker = new FakeTicker();
  final GovernedRequest request = GovernedRequest.of("pay");

  @Test
  void theWaitForABulkheadPlaceIsNotDecisionTime() throws Exception {
    naming.set("pay", Instance.of("10.0.0.1", 8080));
    DefaultGovernance g = (DefaultGovernance) Governance.builder(naming).ticker(ticker).rules(GovernanceRules.builder()
        .bulkhead(new BulkheadRule("pay", 1, Duration.ofMinutes(5))).build()).build();
    g.stats().observe();
    g.decide(request).release();   // the service's first use: the registry read
    Decision holder = g.decide(request);
    long timedBefore = g.stats().timedDecisions();
    long nanosBefore = g.stats().timedDecisionNanos();

    DecisionImpl sampled = new DecisionImpl(g, ticker);
    ResourcePolicy policy = g.admit(request, sampled);
    sampled.timed = true;
    Thread thread = new Thread(() -> {
      g.attempt(request, policy, sampled, null, sampled.startNanos, true);
    }, "decider");
    thread.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> thread.getState() == Thread.State.TIMED_WAITING);
    ticker.advance(Duration.ofSeconds(3));   // the wait, by the ticker
    holder.release();
    thread.join(10_000);

    assertThat(g.stats().timedDecisions()).isEqualTo(timedBefore + 1);
    assertThat(g.stats().timedDecisionNanos() - nanosBefore).as("the fake ticker moved only during the wait")
        .isZero();
    assertThat(sampled.elapsedNanos()).as("the attempt's time starts after the wait").isZero();
    sampled.release();
  }
}
