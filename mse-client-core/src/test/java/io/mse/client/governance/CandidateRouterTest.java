package io.mse.client.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mse.client.Ticker;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NoInstanceAvailableException;
import io.mse.client.testing.FakeTicker;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Governance over a caller's own candidate list: routing by the rules, outlier ejection, attempts. */
class CandidateRouterTest {

  final FakeNamingService naming = new FakeNamingService();
  final FakeTicker fake = new FakeTicker();
  final AtomicInteger tickerReads = new AtomicInteger();
  final Ticker ticker = () -> {
    tickerReads.incrementAndGet();
    return fake.read();
  };

  static Instance candidate(String ip, int port, String... labels) {
    Instance.Builder b = Instance.builder().ip(ip).port(port);
    for (int i = 0; i < labels.length; i += 2) {
      b.metadata(labels[i], labels[i + 1]);
    }
    return b.build();
  }

  /** v1 at positions 0 and 2, v2 at 1. */
  static final List<Instance> CANDIDATES = List.of(candidate("10.0.0.1", 20880, "version", "v1"),
      candidate("10.0.0.2", 20880, "version", "v2"), candidate("10.0.0.3", 20880, "version", "v1"));

  Governance governance(GovernanceRules rules) {
    return Governance.builder(naming).ticker(ticker).rules(rules).build();
  }

  static List<Integer> positions(CandidateSelection s) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      out.add(s.candidate(i));
    }
    return out;
  }

  @Test
  void withoutRulesEveryCandidateIsSelectedAndTheSelectionIsPrepared() {
    Governance g = governance(GovernanceRules.EMPTY);
    CandidateRouter router = g.candidateRouter("pay");
    long generation = router.setCandidates(CANDIDATES);

    CandidateSelection s = router.route(GovernedRequest.of("pay"));
    assertThat(s.isAll()).isTrue();
    assertThat(s.strict()).isFalse();
    assertThat(s.generation()).isEqualTo(generation);
    assertThat(positions(s)).containsExactly(0, 1, 2);
    tickerReads.set(0);
    assertThat(router.route(GovernedRequest.of("pay"))).as("the same prepared object").isSameAs(s);
    assertThat(tickerReads.get()).as("no ejection pending: routing reads no ticker").isZero();
    assertThat(naming.reads).as("candidates come from the caller, not the registry").isZero();
  }

  @Test
  void routesBySubsetAndSplitsByWeight() {
    Governance g = governance(GovernanceRules.builder().route(RouteRule.of("pay", RouteMatch.ANY,
        Destination.of("version", "v2", 20), Destination.of("version", "v1", 80))).build());
    CandidateRouter router = g.candidateRouter("pay");
    router.setCandidates(CANDIDATES);

    int v2 = 0;
    for (int i = 0; i < 10_000; i++) {
      CandidateSelection s = router.route(GovernedRequest.of("pay"));
      assertThat(s.isAll()).isFalse();
      List<Integer> p = positions(s);
      if (p.equals(List.of(1))) {
        v2++;
      } else {
        assertThat(p).containsExactly(0, 2);
      }
    }
    assertThat(v2).isBetween(1_700, 2_300);
  }

  @Test
  void aRouteMatchesOnTheTagAndOthersGoEverywhere() {
    Governance g = governance(GovernanceRules.builder()
        .route(RouteRule.of("pay", RouteMatch.tag("gray"), Destination.of("version", "v2", 100))).build());
    CandidateRouter router = g.candidateRouter("pay");
    router.setCandidates(CANDIDATES);

    assertThat(positions(router.route(GovernedRequest.builder("pay").tag("gray").build()))).containsExactly(1);
    assertThat(positions(router.route(GovernedRequest.builder("pay").tag("blue").build()))).containsExactly(0, 1, 2);
    assertThat(positions(router.route(GovernedRequest.of("pay")))).containsExactly(0, 1, 2);
  }

  @Test
  void anEmptySubsetFallsBackAsItsRouteSays() {
    Governance g = governance(GovernanceRules.builder()
        .route(new RouteRule("pay", RouteMatch.tag("strict"), List.of(Destination.of("version", "v3", 100)),
            RouteFallback.FAIL))
        .route(RouteRule.of("pay", RouteMatch.tag("lenient"), Destination.of("version", "v3", 100)))
        .route(new RouteRule("pay", RouteMatch.tag("others"), List.of(Destination.of("version", "v3", 50),
            Destination.of("version", "v2", 50)), RouteFallback.OTHER_DESTINATIONS))
        .build());
    CandidateRouter router = g.candidateRouter("pay");
    router.setCandidates(CANDIDATES);

    CandidateSelection strict = router.route(GovernedRequest.builder("pay").tag("strict").build());
    assertThat(strict.size()).isZero();
    assertThat(strict.strict()).isTrue();
    CandidateSelection lenient = router.route(GovernedRequest.builder("pay").tag("lenient").build());
    assertThat(positions(lenient)).containsExactly(0, 1, 2);
    assertThat(lenient.strict()).isFalse();
    for (int i = 0; i < 100; i++) {
      assertThat(positions(router.route(GovernedRequest.builder("pay").tag("others").build()))).containsExactly(1);
    }
  }

  @Test
  void aCandidateListedTwiceIsOneInstanceWithBothPositions() {
    Governance g = governance(GovernanceRules.builder()
        .route(RouteRule.of("pay", RouteMatch.ANY, Destination.of("version", "v2", 100))).build());
    CandidateRouter router = g.candidateRouter("pay");
    router.setCandidates(List.of(candidate("10.0.0.1", 1, "version", "v1"), candidate("10.0.0.2", 1, "version", "v2"),
        candidate("10.0.0.2", 1, "version", "v2", "group", "b")));

    assertThat(positions(router.route(GovernedRequest.of("pay")))).containsExactly(1, 2);
  }

  @Test
  void failedAttemptsEjectACandidateWhichRoutingLeavesOutUntilItsTimeIsOver() {
    Governance g = governance(GovernanceRules.builder().outlierDetection("pay", OutlierDetectionRule.builder()
        .consecutiveErrors(3).baseEjectionTime(Duration.ofSeconds(10)).maxEjectionPercent(50).build()).build());
    List<String> ejected = new ArrayList<>();
    g.addListener(new GovernanceListener() {
      @Override
      public void onEjection(String service, Instance instance, Duration time, String reason) {
        ejected.add(service + " " + instance.address() + " " + reason);
      }
    });
    CandidateRouter router = g.candidateRouter("pay");
    router.setCandidates(CANDIDATES);
    GovernedRequest request = GovernedRequest.of("pay");

    for (int i = 0; i < 3; i++) {
      router.decide(request, "10.0.0.2", 20880).onError(new IOException("refused"));
      router.decide(request, "10.0.0.1", 20880).onSuccess();
    }
    assertThat(ejected).containsExactly("pay 10.0.0.2:20880 3 consecutive errors");
    assertThat(router.ejectedInstances()).extracting(Instance::ip).containsExactly("10.0.0.2");
    CandidateSelection s = router.route(request);
    assertThat(s.isAll()).isFalse();
    assertThat(positions(s)).containsExactly(0, 2);
    assertThat(positions(router.available())).containsExactly(0, 2);

    long generation = router.setCandidates(List.of(CANDIDATES.get(1), CANDIDATES.get(0)));   // listed again
    assertThat(positions(router.route(request))).as("the ejection outlives a new list").containsExactly(1);
    assertThat(router.route(request).generation()).isEqualTo(generation);

    fake.advance(Duration.ofSeconds(10));
    assertThat(positions(router.route(request))).containsExactly(0, 1);
    assertThat(router.ejectedInstances()).isEmpty();
  }

  @Test
  void anAttemptTakesTheBreakerPermitAndCarriesTheTimeout() {
    Governance g = governance(GovernanceRules.builder()
        .circuitBreaker(CircuitBreakerRule.builder("pay#charge").minimumNumberOfCalls(4).slidingWindowSize(4)
            .failureRateThreshold(50).build())
        .timeout("pay", Duration.ofMillis(250)).build());
    CandidateRouter router = g.candidateRouter("pay");
    router.setCandidates(CANDIDATES);
    GovernedRequest request = GovernedRequest.builder("pay").resource("pay#charge").build();

    Decision d = router.decide(request, "10.0.0.1", 20880);
    assertThat(d.instance()).isEqualTo(CANDIDATES.get(0));
    assertThat(d.timeoutNanos()).isEqualTo(Duration.ofMillis(250).toNanos());
    d.onSuccess();
    for (int i = 0; i < 3; i++) {
      router.decide(request, "10.0.0.1", 20880).onError(new IOException("boom"));
    }
    assertThat(g.circuitState("pay#charge")).isEqualTo(CircuitState.OPEN);
    assertThatThrownBy(() -> router.decide(request, "10.0.0.1", 20880))
        .isInstanceOf(CircuitOpenException.class).hasMessageContaining("pay#charge");
    assertThat(g.counters("pay#charge").circuitOpen()).isEqualTo(1);
    assertThat(g.counters("pay#charge").failures()).isEqualTo(3);
  }

  @Test
  void anAttemptOnAnAddressNotListedFeedsTheBreakerButEjectsNothing() {
    Governance g = governance(GovernanceRules.builder()
        .outlierDetection("pay", OutlierDetectionRule.builder().consecutiveErrors(1).build()).build());
    CandidateRouter router = g.candidateRouter("pay");
    router.setCandidates(CANDIDATES);

    Decision d = router.decide(GovernedRequest.of("pay"), "10.9.9.9", 1234);
    assertThat(d.instance().address()).isEqualTo("10.9.9.9:1234");
    d.onError(new IOException("boom"));
    assertThat(router.ejectedInstances()).isEmpty();
    assertThat(g.counters("pay").failures()).isEqualTo(1);
  }

  @Test
  void ruleChangesReachTheRouter() {
    Governance g = governance(GovernanceRules.EMPTY);
    CandidateRouter router = g.candidateRouter("pay");
    router.setCandidates(CANDIDATES);
    assertThat(router.route(GovernedRequest.of("pay")).isAll()).isTrue();

    g.setLocalRules(GovernanceRules.builder()
        .route(RouteRule.of("pay", RouteMatch.ANY, Destination.of("version", "v1", 100))).build());
    assertThat(positions(router.route(GovernedRequest.of("pay")))).containsExactly(0, 2);

    router.close();
    assertThatThrownBy(() -> router.route(GovernedRequest.of("pay"))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("pay");
    g.setLocalRules(GovernanceRules.EMPTY);   // a closed router no longer takes rule changes: no failure
  }

  @Test
  void callAttemptsRetriesFailuresWithinTheRuleAndRefusalsNever() throws Exception {
    Governance g = governance(GovernanceRules.builder().retry(RetryRule.of("pay", 3)).build());
    GovernedRequest request = GovernedRequest.of("pay");
    assertThat(g.retryOf(request).maxAttempts()).isEqualTo(3);
    assertThat(g.retryOf(GovernedRequest.of("other"))).isNull();

    List<Integer> attempts = new ArrayList<>();
    String result = g.callAttempts(request, n -> {
      attempts.add(n);
      if (n < 3) {
        throw new IOException("attempt " + n);
      }
      return "ok";
    });
    assertThat(result).isEqualTo("ok");
    assertThat(attempts).containsExactly(1, 2, 3);
    assertThat(g.counters("pay").retries()).isEqualTo(2);

    attempts.clear();
    assertThatThrownBy(() -> g.callAttempts(request, n -> {
      attempts.add(n);
      if (n == 1) {
        throw new IOException("first");
      }
      throw new CircuitOpenException("pay", CircuitState.OPEN);
    })).isInstanceOf(IOException.class).hasMessage("first")
        .satisfies(e -> assertThat(e.getSuppressed()).hasOnlyElementsOfType(CircuitOpenException.class));
    assertThat(attempts).containsExactly(1, 2);

    attempts.clear();
    assertThatThrownBy(() -> g.callAttempts(request, n -> {
      attempts.add(n);
      throw new NoInstanceAvailableException("pay", "none");
    })).isInstanceOf(NoInstanceAvailableException.class);
    assertThat(attempts).containsExactly(1);

    attempts.clear();
    assertThatThrownBy(() -> g.callAttempts(GovernedRequest.of("other"), n -> {
      attempts.add(n);
      throw new IOException("no rule, no retry");
    })).isInstanceOf(IOException.class);
    assertThat(attempts).containsExactly(1);
  }

  @Test
  void callAttemptsRetriesARequestThatIsNotIdempotentOnlyWhenItWasNeverSent() {
    Governance g = governance(GovernanceRules.builder().retry(RetryRule.of("pay", 3)).build());
    GovernedRequest post = GovernedRequest.builder("pay").idempotent(false).build();
    AtomicInteger attempts = new AtomicInteger();

    assertThatThrownBy(() -> g.callAttempts(post, n -> {
      attempts.incrementAndGet();
      throw new IOException("read timed out");
    })).isInstanceOf(IOException.class);
    assertThat(attempts.get()).isEqualTo(1);

    attempts.set(0);
    assertThatThrownBy(() -> g.callAttempts(post, n -> {
      attempts.incrementAndGet();
      throw new IOException("wrapped", new ConnectException("refused"));
    })).isInstanceOf(IOException.class);
    assertThat(attempts.get()).isEqualTo(3);
  }

  @Test
  void retriesStopWhenTheBudgetIsSpent() {
    Governance g = governance(GovernanceRules.builder()
        .retry(RetryRule.builder("pay", 5).budgetPercent(0).minRetries(2).build()).build());
    AtomicInteger attempts = new AtomicInteger();

    assertThatThrownBy(() -> g.callAttempts(GovernedRequest.of("pay"), n -> {
      attempts.incrementAndGet();
      throw new IOException("down");
    })).isInstanceOf(IOException.class);
    assertThat(attempts.get()).as("1 attempt + the 2 retries the budget holds").isEqualTo(3);
    assertThat(g.counters("pay").retriesDenied()).isEqualTo(1);
  }

  @Test
  void permitsAreTakenOncePerLogicalCall() throws Exception {
    Governance g = governance(GovernanceRules.builder().rateLimit(RateLimitRule.perSecond("pay#charge", 2))
        .retry(RetryRule.of("pay#charge", 3)).build());
    GovernedRequest request = GovernedRequest.builder("pay").resource("pay#charge").build();

    Integer attempts = g.callAttempts(request, n -> {
      if (n < 3) {
        throw new IOException("retry me");
      }
      return n;
    });
    assertThat(attempts).as("retries take no permit").isEqualTo(3);
    g.acquirePermit(request);
    assertThatThrownBy(() -> g.acquirePermit(request)).isInstanceOf(RateLimitedException.class)
        .hasMessageContaining("pay#charge");
    assertThatThrownBy(() -> g.callAttempts(request, n -> "never")).isInstanceOf(RateLimitedException.class);
    assertThat(g.counters("pay#charge").rateLimited()).isEqualTo(2);

    fake.advance(Duration.ofSeconds(1));
    g.acquirePermit(request);
    g.acquirePermit(GovernedRequest.of("unlimited"));
  }

  @Test
  void aClosedGovernanceRefusesRoutersAndPermits() {
    Governance g = governance(GovernanceRules.EMPTY);
    CandidateRouter router = g.candidateRouter("pay");
    router.setCandidates(CANDIDATES);
    g.close();

    assertThatThrownBy(() -> g.candidateRouter("pay")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> g.acquirePermit(GovernedRequest.of("pay"))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> router.decide(GovernedRequest.of("pay"), "10.0.0.1", 20880))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> g.candidateRouter(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void beforeAnyListEveryRequestGetsTheEmptySelection() {
    CandidateRouter router = governance(GovernanceRules.EMPTY).candidateRouter("pay");
    CandidateSelection s = router.route(GovernedRequest.of("pay"));
    assertThat(s.size()).isZero();
    assertThat(s.generation()).isZero();
    assertThat(s.isAll()).as("every one of no candidates").isTrue();
  }
}
