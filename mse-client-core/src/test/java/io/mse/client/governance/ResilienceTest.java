package io.mse.client.governance;

import static io.mse.client.governance.Fixtures.instance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mse.client.naming.Instance;
import io.mse.client.testing.FakeTicker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rate limiting, circuit breaking, retries with a budget, and timeouts, all on ticker time. */
class ResilienceTest {

  final FakeNamingService naming = new FakeNamingService();
  final FakeTicker ticker = new FakeTicker();
  final List<String> events = new ArrayList<>();
  final GovernedRequest request = GovernedRequest.of("inv");

  @BeforeEach
  void instances() {
    naming.set("inv", instance("10.0.0.1"), instance("10.0.0.2"));
  }

  Governance governance(GovernanceRules rules) {
    Governance g = Governance.builder(naming).ticker(ticker).rules(rules).build();
    g.addListener(new GovernanceListener() {
      @Override
      public void onCircuitStateChange(String resource, CircuitState from, CircuitState to) {
        events.add(resource + " " + from + "->" + to);
      }

      @Override
      public void onRateLimited(String resource) {
        events.add("rate limited " + resource);
      }
    });
    return g;
  }

  @Test
  void rateLimitRejectsTheExcessOfEachPeriod() {
    Governance g = governance(GovernanceRules.builder().rateLimit(RateLimitRule.perSecond("inv", 5)).build());

    for (int i = 0; i < 5; i++) {
      g.decide(request).onSuccess();
    }
    assertThatThrownBy(() -> g.decide(request)).isInstanceOf(RateLimitedException.class)
        .satisfies(e -> assertThat(((RateLimitedException) e).resource()).isEqualTo("inv"));
    ticker.advance(Duration.ofSeconds(1));
    for (int i = 0; i < 5; i++) {
      g.decide(request).onSuccess();
    }
    assertThatThrownBy(() -> g.decide(request)).isInstanceOf(RateLimitedException.class);

    assertThat(g.counters("inv").rateLimited()).isEqualTo(2);
    assertThat(g.counters("inv").successes()).isEqualTo(10);
    assertThat(events).containsExactly("rate limited inv", "rate limited inv");
  }

  @Test
  void resourceRulesFallBackToServiceThenWildcard() {
    Governance g = governance(GovernanceRules.builder()
        .rateLimit(RateLimitRule.perSecond("inv", 1))
        .rateLimit(RateLimitRule.perSecond("*", 2))
        .build());
    GovernedRequest orders = GovernedRequest.builder("inv").resource("inv:GET /orders").build();
    naming.set("other", instance("10.0.1.1"));
    GovernedRequest other = GovernedRequest.of("other");

    g.decide(orders).release();
    assertThatThrownBy(() -> g.decide(request)).isInstanceOf(RateLimitedException.class)
        .hasMessageContaining("'inv'");  // one limiter shared by the service's resources
    g.decide(other).release();
    g.decide(other).release();
    assertThatThrownBy(() -> g.decide(other)).isInstanceOf(RateLimitedException.class);
  }

  @Test
  void askingForTheCircuitStateOfAResourceNeverCalledMakesNothing() {
    Governance g = governance(GovernanceRules.builder().circuitBreaker(CircuitBreakerRule.builder("*")
        .minimumNumberOfCalls(1).slidingWindow(SlidingWindowType.COUNT_BASED, 1).build()).build());
    List<String> added = new ArrayList<>();
    g.addListener(new GovernanceListener() {
      @Override
      public void onResourceAdded(ResourceStats resource) {
        added.add(resource.resource());
      }
    });

    assertThat(g.circuitState("never-called")).isEqualTo(CircuitState.CLOSED);   // the state it would start in
    assertThat(g.circuitState("never-called")).isEqualTo(CircuitState.CLOSED);

    assertThat(added).isEmpty();
    assertThat(g.stats().resources()).isEmpty();
    assertThat(g.circuitStates()).isEmpty();
    // Once called, the resource's own breaker answers.
    g.decide(request).onError(new IOException("opens it"));
    assertThat(g.circuitState("inv")).isEqualTo(CircuitState.OPEN);
    assertThat(added).containsExactly("inv");
  }

  @Test
  void statsReadAsOneLineNamingEachResourcesOutcomes() {
    Governance g = governance(GovernanceRules.builder()
        .circuitBreaker(CircuitBreakerRule.builder("inv").minimumNumberOfCalls(1)
            .slidingWindow(SlidingWindowType.COUNT_BASED, 1).build()).build());
    g.decide(request).onError(new IOException("opens it"));

    assertThat(g.stats().toString()).startsWith("GovernanceStats{resources=[inv{ALLOWED=1")
        .contains("FAILED=1").contains("circuit=OPEN").contains("DEFAULT_GROUP@@inv{ejected=0").doesNotContain("StatsView");
  }

  @Test
  void theCircuitStateOfAResourceWithoutABreakerRuleIsNull() {
    Governance g = governance(GovernanceRules.EMPTY);

    assertThat(g.circuitState("inv")).isNull();
    assertThat(g.stats().resources()).isEmpty();
  }

  @Test
  void aRetryRefusedByTheBreakerIsNotCountedAsMade() {
    Governance g = governance(GovernanceRules.builder()
        .retry(new RetryRule("inv", 2, 100, Duration.ofSeconds(10), 10))
        .circuitBreaker(CircuitBreakerRule.builder("inv").minimumNumberOfCalls(1)
            .slidingWindow(SlidingWindowType.COUNT_BASED, 1).build()).build());

    assertThatThrownBy(() -> g.call(request, i -> {
      throw new IOException("opens the circuit");
    })).isInstanceOf(IOException.class)
        .satisfies(e -> assertThat(e.getSuppressed()).singleElement().isInstanceOf(CircuitOpenException.class));

    GovernanceCounters c = g.counters("inv");
    assertThat(c.retries()).isZero();
    assertThat(c.circuitOpen()).isEqualTo(1);
    assertThat(c.calls()).isEqualTo(1);
  }

  @Test
  void breakerOpensOnFailureRateThenProbesAndCloses() {
    Governance g = governance(GovernanceRules.builder().circuitBreaker(CircuitBreakerRule.builder("inv")
        .failureRateThreshold(50).minimumNumberOfCalls(4).slidingWindow(SlidingWindowType.COUNT_BASED, 4)
        .waitDurationInOpenState(Duration.ofSeconds(10)).permittedNumberOfCallsInHalfOpenState(2).build()).build());

    g.decide(request).onSuccess();
    g.decide(request).onError(new IOException("1"));
    g.decide(request).onSuccess();
    assertThat(g.circuitState("inv")).isEqualTo(CircuitState.CLOSED);
    assertThat(g.circuitStates()).containsExactly(java.util.Map.entry("inv", CircuitState.CLOSED));
    g.decide(request).onError(new IOException("2"));
    assertThat(g.circuitState("inv")).isEqualTo(CircuitState.OPEN);
    assertThat(g.circuitStates()).containsExactly(java.util.Map.entry("inv", CircuitState.OPEN));
    assertThatThrownBy(() -> g.decide(request)).isInstanceOf(CircuitOpenException.class)
        .satisfies(e -> assertThat(((CircuitOpenException) e).resource()).isEqualTo("inv"));

    ticker.advance(Duration.ofSeconds(10));
    assertThatThrownBy(() -> g.decide(request)).isInstanceOf(CircuitOpenException.class);
    ticker.advanceMillis(1);
    g.decide(request).onSuccess();
    assertThat(g.circuitState("inv")).isEqualTo(CircuitState.HALF_OPEN);
    g.decide(request).onSuccess();

    assertThat(g.circuitState("inv")).isEqualTo(CircuitState.CLOSED);
    assertThat(events).containsExactly("inv CLOSED->OPEN", "inv OPEN->HALF_OPEN", "inv HALF_OPEN->CLOSED");
    assertThat(g.counters("inv").circuitOpen()).isEqualTo(2);
  }

  @Test
  void breakerOpensOnSlowCallsMeasuredWithTheTicker() {
    Governance g = governance(GovernanceRules.builder().circuitBreaker(CircuitBreakerRule.builder("inv")
        .slowCallDurationThreshold(Duration.ofMillis(100)).slowCallRateThreshold(50).minimumNumberOfCalls(4)
        .slidingWindow(SlidingWindowType.COUNT_BASED, 4).build()).build());

    for (int i = 0; i < 4; i++) {
      Decision d = g.decide(request);
      ticker.advanceMillis(i % 2 == 0 ? 150 : 10);
      d.onSuccess();
    }

    assertThat(g.circuitState("inv")).isEqualTo(CircuitState.OPEN);
  }

  @Test
  void retriesAFailedCallOnAnotherInstance() throws Exception {
    Governance g = governance(GovernanceRules.builder()
        .retry(new RetryRule("inv", 2, 100, Duration.ofSeconds(10), 0)).build());
    List<String> tried = new ArrayList<>();

    for (int i = 0; i < 20; i++) {
      tried.clear();
      String result = g.call(request, instance -> {
        tried.add(instance.ip());
        if (tried.size() == 1) {
          throw new IOException("first attempt fails");
        }
        return "ok from " + instance.ip();
      });
      assertThat(result).isEqualTo("ok from " + tried.get(1));
      assertThat(tried).doesNotHaveDuplicates().hasSize(2);
    }
  }

  @Test
  void aRequestThatIsNotIdempotentIsRetriedOnlyWhenItWasCertainlyNotSent() throws Exception {
    Governance g = governance(GovernanceRules.builder()
        .retry(new RetryRule("inv", 3, 100, Duration.ofSeconds(10), 10)).build());
    GovernedRequest post = GovernedRequest.builder("inv").method("POST").idempotent(false).build();
    List<String> attempts = new ArrayList<>();

    assertThatThrownBy(() -> g.call(post, instance -> {
      attempts.add("read failed");
      throw new IOException("connection reset after the request was written");
    })).isInstanceOf(IOException.class);
    assertThat(attempts).hasSize(1);

    String result = g.call(post, instance -> {
      attempts.add("refused");
      if (attempts.size() == 2) {
        throw new IOException("wrapped", new java.net.ConnectException("Connection refused"));
      }
      return "ok";
    });
    assertThat(result).isEqualTo("ok");
    assertThat(attempts).hasSize(3);
    assertThat(GovernedRequest.of("inv").idempotent()).isTrue();
  }

  @Test
  void retryBudgetCapsRetriesAtAPercentageOfCalls() {
    Governance g = governance(GovernanceRules.builder()
        .retry(new RetryRule("inv", 3, 10, Duration.ofSeconds(10), 0)).build());
    int[] attempts = {0};

    for (int i = 0; i < 100; i++) {
      assertThatThrownBy(() -> g.call(request, instance -> {
        attempts[0]++;
        throw new IOException("down");
      })).isInstanceOf(IOException.class);
    }

    assertThat(attempts[0]).isEqualTo(110);            // 100 calls + 10% retries, not 300
    assertThat(g.counters("inv").retries()).isEqualTo(10);
    assertThat(g.counters("inv").retriesDenied()).isEqualTo(100);
  }

  @Test
  void minRetriesLetLowTrafficRetryAndTheBudgetWindowSlides() throws Exception {
    Governance g = governance(GovernanceRules.builder()
        .retry(new RetryRule("inv", 2, 0, Duration.ofSeconds(10), 2)).build());
    GovernedCall<String> flaky = new GovernedCall<>() {
      int n;

      @Override
      public String call(Instance instance) throws IOException {
        if (n++ % 2 == 0) {
          throw new IOException("odd attempt");
        }
        return "ok";
      }
    };

    assertThat(g.call(request, flaky)).isEqualTo("ok");
    assertThat(g.call(request, flaky)).isEqualTo("ok");
    assertThatThrownBy(() -> g.call(request, flaky)).isInstanceOf(IOException.class);
    ticker.advance(Duration.ofSeconds(11));
    assertThat(g.call(request, flaky)).isEqualTo("ok");
  }

  @Test
  void aCallSlowerThanItsTimeoutFailsAndIsRetried() throws Exception {
    Governance g = governance(GovernanceRules.builder().timeout("inv", Duration.ofMillis(100)).build());

    assertThatThrownBy(() -> g.call(request, instance -> {
      ticker.advanceMillis(150);
      return "late";
    })).isInstanceOf(CallTimeoutException.class).hasMessageContaining("took 150 ms, over its timeout of 100 ms");
    assertThat(g.counters("inv").timeouts()).isEqualTo(1);
    assertThat(g.counters("inv").failures()).isEqualTo(1);
    assertThat(g.timeoutOf(request)).isEqualTo(Duration.ofMillis(100));

    Governance retrying = governance(GovernanceRules.builder().timeout("inv", Duration.ofMillis(100))
        .retry(RetryRule.of("inv", 2)).build());
    int[] attempt = {0};
    String result = retrying.call(request, instance -> {
      ticker.advanceMillis(attempt[0]++ == 0 ? 150 : 50);
      return "attempt " + attempt[0];
    });
    assertThat(result).isEqualTo("attempt 2");
  }

  @Test
  void rejectionsAreNotRetriedAndCountersAddUp() throws Exception {
    Governance g = governance(GovernanceRules.builder()
        .rateLimit(RateLimitRule.perSecond("inv", 2)).retry(RetryRule.of("inv", 2)).build());

    String a = g.call(request, i -> "a");
    assertThat(a).isEqualTo("a");
    assertThatThrownBy(() -> g.call(request, i -> {
      throw new IllegalStateException("x");
    })).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> g.call(request, i -> "never")).isInstanceOf(RateLimitedException.class);

    GovernanceCounters c = g.counters();
    assertThat(c.calls()).isEqualTo(3);          // 1 + (1 attempt + 1 retry): a retry takes no rate-limit permit
    assertThat(c.successes()).isEqualTo(1);
    assertThat(c.failures()).isEqualTo(2);
    assertThat(c.retries()).isEqualTo(1);
    assertThat(c.rateLimited()).isEqualTo(1);
    assertThat(c.rejections()).isEqualTo(1);
  }
}
