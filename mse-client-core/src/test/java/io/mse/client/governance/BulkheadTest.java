package io.mse.client.governance;

import static io.mse.client.governance.Fixtures.instance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mse.client.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bulkheads: concurrent attempts per resource, their refusal, their wait, reloads and lookups. */
class BulkheadTest {

  final FakeNamingService naming = new FakeNamingService();
  final FakeConfigService config = new FakeConfigService();
  final FakeTicker ticker = new FakeTicker();
  final List<String> events = new ArrayList<>();
  final GovernedRequest request = GovernedRequest.of("inv");
  final ExecutorService threads = Executors.newCachedThreadPool();

  @BeforeEach
  void instances() {
    naming.set("inv", instance("10.0.0.1"), instance("10.0.0.2"));
  }

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  Governance governance(GovernanceRules rules) {
    Governance g = Governance.builder(naming).ticker(ticker).rules(rules).build();
    g.addListener(new GovernanceListener() {
      @Override
      public void onBulkheadFull(String resource) {
        events.add("bulkhead full " + resource);
      }
    });
    return g;
  }

  @Test
  void refusesAttemptsOverTheLimitUntilOneIsReported() {
    Governance g = governance(GovernanceRules.builder().bulkhead(BulkheadRule.of("inv", 2)).build());

    Decision first = g.decide(request);
    Decision second = g.decide(request);
    assertThatThrownBy(() -> g.decide(request)).isInstanceOf(BulkheadFullException.class)
        .hasMessage("bulkhead of 'inv' is full: 2 concurrent call(s) allowed; call not permitted")
        .satisfies(e -> {
          assertThat(((BulkheadFullException) e).resource()).isEqualTo("inv");
          assertThat(((BulkheadFullException) e).maxConcurrentCalls()).isEqualTo(2);
        });

    first.onSuccess();
    Decision third = g.decide(request);       // the place first gave back
    second.onError(new RuntimeException("boom"));
    third.release();
    g.decide(request).release();
    g.decide(request).release();

    assertThat(g.counters("inv").bulkheadFull()).isEqualTo(1);
    assertThat(g.counters("inv").rejections()).isEqualTo(1);
    assertThat(g.counters().bulkheadFull()).isEqualTo(1);
    assertThat(events).containsExactly("bulkhead full inv");
  }

  @Test
  void callHoldsAPlaceWhileItRunsAndGivesItBackWhateverTheOutcome() throws Exception {
    Governance g = governance(GovernanceRules.builder().bulkhead(BulkheadRule.of("inv", 1)).build());
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch leave = new CountDownLatch(1);

    Future<String> running = threads.submit(() -> g.call(request, instance -> {
      inside.countDown();
      leave.await();
      return "slow";
    }));
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> g.call(request, instance -> "fast")).isInstanceOf(BulkheadFullException.class);
    leave.countDown();
    assertThat(running.get(10, TimeUnit.SECONDS)).isEqualTo("slow");

    assertThatThrownBy(() -> g.call(request, instance -> {
      throw new IllegalStateException("failed");
    })).isInstanceOf(IllegalStateException.class);
    String fast = g.call(request, instance -> "fast");
    assertThat(fast).isEqualTo("fast");   // neither outcome kept its place
  }

  @Test
  void anAttemptOverTheLimitWaitsUpToMaxWaitForAPlace() throws Exception {
    Governance g = governance(GovernanceRules.builder()
        .bulkhead(new BulkheadRule("inv", 1, Duration.ofSeconds(30))).build());
    Decision holder = g.decide(request);

    Future<Decision> waiting = threads.submit(() -> g.decide(request));
    // It waits: still not decided while the place is held (not a timing assertion: it cannot finish).
    assertThatThrownBy(() -> waiting.get(200, TimeUnit.MILLISECONDS))
        .isInstanceOf(java.util.concurrent.TimeoutException.class);
    holder.onSuccess();

    Decision admitted = waiting.get(10, TimeUnit.SECONDS);
    assertThat(admitted.instance()).isNotNull();
    admitted.onSuccess();
    assertThat(g.counters("inv").bulkheadFull()).isZero();
  }

  @Test
  void anAttemptWhoseWaitEndsWithoutAPlaceIsRefused() {
    Governance g = governance(GovernanceRules.builder()
        .bulkhead(new BulkheadRule("inv", 1, Duration.ofMillis(50))).build());
    Decision holder = g.decide(request);

    assertThatThrownBy(() -> g.decide(request)).isInstanceOf(BulkheadFullException.class);
    holder.release();
    assertThat(g.counters("inv").bulkheadFull()).isEqualTo(1);
  }

  @Test
  void aRefusedAttemptGivesBackItsCircuitBreakerPermit() {
    // The service's breaker is shared by its resources; only 'inv:r1' has a bulkhead (of 1).
    Governance g = governance(GovernanceRules.builder().bulkhead(BulkheadRule.of("inv:r1", 1))
        .circuitBreaker(CircuitBreakerRule.builder("inv").minimumNumberOfCalls(1).slidingWindow(SlidingWindowType.COUNT_BASED, 1)
            .waitDurationInOpenState(Duration.ofSeconds(10)).permittedNumberOfCallsInHalfOpenState(1).build())
        .build());
    GovernedRequest r1 = GovernedRequest.builder("inv").resource("inv:r1").build();
    GovernedRequest r2 = GovernedRequest.builder("inv").resource("inv:r2").build();
    Decision holder = g.decide(r1);                              // holds r1's one place
    g.decide(r2).onError(new RuntimeException("opens the circuit"));
    ticker.advance(Duration.ofSeconds(11));

    // Half-open with one probe: r1 takes it, finds its bulkhead full, and must give the probe back.
    assertThatThrownBy(() -> g.decide(r1)).isInstanceOf(BulkheadFullException.class);
    Decision probe = g.decide(r2);
    assertThat(g.circuitState("inv")).isEqualTo(CircuitState.HALF_OPEN);
    probe.onSuccess();
    assertThat(g.circuitState("inv")).isEqualTo(CircuitState.CLOSED);
    holder.release();
  }

  @Test
  void rulesAreLookedUpByResourceThenServiceThenWildcard() {
    naming.set("other", instance("10.0.1.1"));
    Governance g = governance(GovernanceRules.builder()
        .bulkhead(BulkheadRule.of("inv:GET /orders", 1))
        .bulkhead(BulkheadRule.of("inv", 2))
        .bulkhead(BulkheadRule.of("*", 1))
        .build());
    GovernedRequest orders = GovernedRequest.builder("inv").resource("inv:GET /orders").build();
    GovernedRequest stock = GovernedRequest.builder("inv").resource("inv:GET /stock").build();
    GovernedRequest other = GovernedRequest.of("other");
    GovernedRequest otherAdmin = GovernedRequest.builder("other").resource("other:admin").build();

    Decision o = g.decide(orders);
    assertThatThrownBy(() -> g.decide(orders)).isInstanceOf(BulkheadFullException.class)
        .hasMessageContaining("'inv:GET /orders'");
    Decision s1 = g.decide(stock);      // the service's bulkhead, shared by its resources
    Decision s2 = g.decide(request);
    assertThatThrownBy(() -> g.decide(stock)).isInstanceOf(BulkheadFullException.class)
        .hasMessageContaining("'inv:GET /stock'");   // the refusal names the request's resource
    Decision x = g.decide(other);       // '*': each resource its own bulkhead of 1
    Decision y = g.decide(otherAdmin);
    assertThatThrownBy(() -> g.decide(other)).isInstanceOf(BulkheadFullException.class)
        .hasMessageContaining("'other'");
    for (Decision d : List.of(o, s1, s2, x, y)) {
      d.release();
    }
  }

  @Test
  void aReloadGrowsTheLimitInPlaceAndAShrunkLimitAppliesToNewCalls() {
    String app = "order-service.governance.json";
    Governance g = Governance.builder(naming).config(config).applicationName("order-service").ticker(ticker).build();
    config.publishConfig(app, Governance.RULES_GROUP, bulkheads(1));
    Decision held = g.decide(request);
    assertThatThrownBy(() -> g.decide(request)).isInstanceOf(BulkheadFullException.class);

    config.publishConfig(app, Governance.RULES_GROUP, bulkheads(3));   // grown in place: the held place still counts
    Decision second = g.decide(request);
    Decision third = g.decide(request);
    assertThatThrownBy(() -> g.decide(request)).isInstanceOf(BulkheadFullException.class);

    config.publishConfig(app, Governance.RULES_GROUP, bulkheads(1));   // shrunk: a new bulkhead for new calls
    Decision fresh = g.decide(request);
    assertThatThrownBy(() -> g.decide(request)).isInstanceOf(BulkheadFullException.class);
    held.onSuccess();   // calls in flight give their places back to the old bulkhead
    second.onSuccess();
    third.onSuccess();
    assertThatThrownBy(() -> g.decide(request)).isInstanceOf(BulkheadFullException.class);
    fresh.onSuccess();
    g.decide(request).onSuccess();

    config.publishConfig(app, Governance.RULES_GROUP, "{\"version\": 1}");   // removed: no limit
    List<Decision> many = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      many.add(g.decide(request));
    }
    many.forEach(Decision::release);
  }

  static String bulkheads(int max) {
    return "{\"version\": 1, \"bulkheads\": [{\"resource\": \"inv\", \"maxConcurrentCalls\": " + max + "}]}";
  }

  @Test
  void parsesBulkheadsAndRejectsBadValuesWithTheirPath() {
    GovernanceRules rules = GovernanceRules.parse("""
        {"version": 1, "bulkheads": [{"resource": "inv", "maxConcurrentCalls": 10, "maxWait": "250ms"},
                                     {"resource": "*", "maxConcurrentCalls": 4}]}
        """);
    assertThat(rules.bulkheads()).containsExactly(new BulkheadRule("inv", 10, Duration.ofMillis(250)),
        new BulkheadRule("*", 4, Duration.ZERO));

    assertThatThrownBy(() -> GovernanceRules.parse("""
        {"version": 1, "bulkheads": [{"resource": "inv", "maxConcurrentCalls": 0},
                                     {"resource": "a", "maxConcurrentCalls": 1, "maxWait": "25h"},
                                     {"resource": "b"},
                                     {"resource": "c", "maxConcurrentCalls": 2, "queue": 5}]}
        """)).isInstanceOf(InvalidRulesException.class)
        .satisfies(e -> assertThat(((InvalidRulesException) e).problems()).containsExactly(
            "$.bulkheads[0].maxConcurrentCalls: 0 is invalid: it must be positive",
            "$.bulkheads[1].maxWait: '25h' is invalid: it must be at most 24h",
            "$.bulkheads[2].maxConcurrentCalls: it is required",
            "$.bulkheads[3].queue: unknown field (allowed here: resource, maxConcurrentCalls, maxWait)"));
    assertThatThrownBy(() -> GovernanceRules.parse("""
        {"version": 1, "bulkheads": [{"resource": "inv", "maxConcurrentCalls": 1}, {"resource": "inv", "maxConcurrentCalls": 3}]}
        """)).isInstanceOf(InvalidRulesException.class)
        .hasMessageContaining("$.bulkheads[1].resource: 'inv' is invalid: another rule of this list has the same resource");
    assertThatThrownBy(() -> new BulkheadRule("inv", 1, Duration.ofMillis(-1)))
        .isInstanceOf(RuleValueException.class).hasMessage("maxWait '-1ms' is invalid: it must not be negative");
  }
}
