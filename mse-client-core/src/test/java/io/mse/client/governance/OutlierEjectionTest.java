package io.mse.client.governance;

import static io.mse.client.governance.Fixtures.instance;
import static io.mse.client.governance.Fixtures.sample;
import static org.assertj.core.api.Assertions.assertThat;

import io.mse.client.naming.Instance;
import io.mse.client.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OutlierEjectionTest {

  final FakeNamingService naming = new FakeNamingService();
  final FakeTicker ticker = new FakeTicker();
  final List<String> events = new ArrayList<>();

  Governance governance(OutlierDetectionRule rule) {
    naming.set("inv", instance("10.0.0.1"), instance("10.0.0.2"), instance("10.0.0.3"), instance("10.0.0.4"));
    Governance g = Governance.builder(naming).ticker(ticker)
        .rules(GovernanceRules.builder().outlierDetection("inv", rule).build()).build();
    g.addListener(new GovernanceListener() {
      @Override
      public void onEjection(String service, Instance instance, Duration time, String reason) {
        events.add("ejected " + instance.ip() + " for " + time.toSeconds() + "s: " + reason);
      }

      @Override
      public void onReadmission(String service, Instance instance) {
        events.add("readmitted " + instance.ip());
      }
    });
    return g;
  }

  /** Makes {@code calls} decisions, failing those that land on a bad instance. */
  static void traffic(Governance g, int calls, Set<String> bad) {
    Decision d = g.newDecision();
    for (int i = 0; i < calls; i++) {
      g.decide(GovernedRequest.of("inv"), d);
      if (bad.contains(d.instance().ip())) {
        d.onError(new java.io.IOException("boom"));
      } else {
        d.onSuccess();
      }
    }
  }

  @Test
  void ejectsAfterConsecutiveErrorsForAGrowingTimeThenReadmits() {
    Governance g = governance(OutlierDetectionRule.builder().consecutiveErrors(3)
        .baseEjectionTime(Duration.ofSeconds(10)).maxEjectionTime(Duration.ofSeconds(25)).build());

    traffic(g, 200, Set.of("10.0.0.1"));
    assertThat(g.ejectedInstances("inv")).extracting(Instance::ip).containsExactly("10.0.0.1");
    assertThat(g.ejectedInstances()).containsOnlyKeys("DEFAULT_GROUP@@inv");
    assertThat(g.ejectedInstances().get("DEFAULT_GROUP@@inv")).extracting(Instance::ip).containsExactly("10.0.0.1");
    assertThat(sample(g, GovernedRequest.of("inv"), 500)).doesNotContainKey("10.0.0.1");

    ticker.advance(Duration.ofSeconds(10));
    assertThat(sample(g, GovernedRequest.of("inv"), 500)).containsKey("10.0.0.1");
    assertThat(g.ejectedInstances("inv")).isEmpty();
    assertThat(g.ejectedInstances()).isEmpty();

    traffic(g, 200, Set.of("10.0.0.1"));
    ticker.advance(Duration.ofSeconds(19));
    assertThat(g.ejectedInstances("inv")).hasSize(1);    // second ejection: 20 s
    ticker.advance(Duration.ofSeconds(1));
    traffic(g, 200, Set.of("10.0.0.1"));                 // readmitted, fails again: third, capped at 25 s
    ticker.advance(Duration.ofSeconds(24));
    traffic(g, 10, Set.of());
    assertThat(g.ejectedInstances("inv")).hasSize(1);
    ticker.advance(Duration.ofSeconds(1));
    traffic(g, 10, Set.of());
    assertThat(g.ejectedInstances("inv")).isEmpty();

    assertThat(events).containsExactly(
        "ejected 10.0.0.1 for 10s: 3 consecutive errors", "readmitted 10.0.0.1",
        "ejected 10.0.0.1 for 20s: 3 consecutive errors", "readmitted 10.0.0.1",
        "ejected 10.0.0.1 for 25s: 3 consecutive errors", "readmitted 10.0.0.1");
    assertThat(g.counters().ejections()).isEqualTo(3);
    assertThat(g.counters().readmissions()).isEqualTo(3);
  }

  @Test
  void neverEjectsMoreThanMaxEjectionPercent() {
    Governance g = governance(OutlierDetectionRule.builder().consecutiveErrors(2).maxEjectionPercent(50).build());

    traffic(g, 2000, Set.of("10.0.0.1", "10.0.0.2", "10.0.0.3"));

    assertThat(g.ejectedInstances("inv")).hasSize(2);
    assertThat(sample(g, GovernedRequest.of("inv"), 1000)).hasSize(2);
  }

  @Test
  void ejectsOnErrorRateOverTheWindow() {
    Governance g = governance(OutlierDetectionRule.builder().consecutiveErrors(0).errorRateThreshold(40)
        .minimumCalls(20).interval(Duration.ofSeconds(10)).build());
    Decision d = g.newDecision();
    int onFirst = 0;
    for (int i = 0; i < 2000 && g.ejectedInstances("inv").isEmpty(); i++) {
      g.decide(GovernedRequest.of("inv"), d);
      if (d.instance().ip().equals("10.0.0.1") && onFirst++ % 2 == 0) {
        d.onError(new RuntimeException("every other call fails"));   // 50%, never 3 in a row
      } else {
        d.onSuccess();
      }
    }

    assertThat(g.ejectedInstances("inv")).extracting(Instance::ip).containsExactly("10.0.0.1");
    assertThat(events.get(0)).isEqualTo("ejected 10.0.0.1 for 30s: error rate 52% over 21 calls"); // checked on failures
  }

  @Test
  void reportsTheEjectedInstancesOfAServiceInItsOwnGroup() {
    Governance g = governance(OutlierDetectionRule.builder().consecutiveErrors(2).build());
    GovernedRequest inGroup = GovernedRequest.builder("inv").group("ORDERS").build();
    Decision d = g.newDecision();
    for (int i = 0; i < 200 && g.ejectedInstances("inv", "ORDERS").isEmpty(); i++) {
      g.decide(inGroup, d);
      if (d.instance().ip().equals("10.0.0.1")) {
        d.onError(new java.io.IOException("boom"));
      } else {
        d.onSuccess();
      }
    }

    assertThat(g.ejectedInstances("inv", "ORDERS")).extracting(Instance::ip).containsExactly("10.0.0.1");
    assertThat(g.ejectedInstances("inv")).isEmpty();               // DEFAULT_GROUP: never called
    assertThat(g.ejectedInstances("inv", null)).isEmpty();
  }

  @Test
  void anEjectionEndingPastTheTickersRangeLastsRatherThanEndingAtOnce() {
    java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong(
        Long.MAX_VALUE - Duration.ofSeconds(10).toNanos());
    naming.set("inv", instance("10.0.0.1"), instance("10.0.0.2"), instance("10.0.0.3"), instance("10.0.0.4"));
    Governance g = Governance.builder(naming).ticker(nanos::get).rules(GovernanceRules.builder()
        .outlierDetection("inv", OutlierDetectionRule.builder().consecutiveErrors(1).build()).build()).build();

    traffic(g, 200, Set.of("10.0.0.1"));
    nanos.addAndGet(Duration.ofSeconds(5).toNanos());
    traffic(g, 200, Set.of());

    assertThat(g.ejectedInstances("inv")).extracting(Instance::ip).containsExactly("10.0.0.1");
  }

  @Test
  void maxEjectionPercentHoldsInEveryRouteSubsetToo() {
    List<Instance> instances = new ArrayList<>();
    instances.add(instance("10.0.0.1", "version", "v2"));
    for (int i = 2; i <= 10; i++) {
      instances.add(instance("10.0.0." + i, "version", "v1"));
    }
    naming.set("inv", instances);
    Governance g = Governance.builder(naming).ticker(ticker).rules(GovernanceRules.builder()
        .route(RouteRule.of("inv", null, Destination.of("version", "v2", 50), Destination.of("version", "v1", 50)))
        .outlierDetection("inv", OutlierDetectionRule.builder().consecutiveErrors(1).maxEjectionPercent(50).build())
        .build()).build();

    traffic(g, 500, Set.of("10.0.0.1", "10.0.0.2"));

    // 50% of the one-instance v2 subset is none: its only instance stays in; v1 (9 instances) may lose 4
    assertThat(g.ejectedInstances("inv")).extracting(Instance::ip).containsExactly("10.0.0.2");
    assertThat(sample(g, GovernedRequest.of("inv"), 500)).containsKey("10.0.0.1");
  }
}
