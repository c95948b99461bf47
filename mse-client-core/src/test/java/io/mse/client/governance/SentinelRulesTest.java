package io.mse.client.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import io.mse.client.testing.LogCapture;
import org.junit.jupiter.api.Test;

class SentinelRulesTest {

  @Test
  void mapsQpsFlowRulesToRateLimits() {
    var limits = SentinelRules.fromFlowRules("""
        [{"resource": "GET:/orders", "limitApp": "default", "grade": 1, "count": 20, "strategy": 0,
          "controlBehavior": 0, "clusterMode": false, "id": 3, "app": "order-service", "gmtCreate": 1700000000000},
         {"resource": "GET:/slow", "count": 0.5},
         {"resource": "GET:/orders", "count": 10}]
        """);

    assertThat(limits).containsExactly(RateLimitRule.perSecond("GET:/orders", 10),
        new RateLimitRule("GET:/slow", 1, Duration.ofSeconds(2)));
  }

  @Test
  void mapsDegradeRulesToCircuitBreakers() {
    var breakers = SentinelRules.fromDegradeRules("""
        [{"resource": "inventory", "grade": 0, "count": 200, "timeWindow": 10, "minRequestAmount": 8,
          "slowRatioThreshold": 0.6, "statIntervalMs": 2000},
         {"resource": "payment", "grade": 1, "count": 0.25, "timeWindow": 5}]
        """);

    assertThat(breakers.get(0)).isEqualTo(CircuitBreakerRule.builder("inventory")
        .slowCallDurationThreshold(Duration.ofMillis(200)).slowCallRateThreshold(60).failureRateThreshold(100)
        .minimumNumberOfCalls(8).slidingWindow(SlidingWindowType.TIME_BASED, 2)
        .waitDurationInOpenState(Duration.ofSeconds(10)).permittedNumberOfCallsInHalfOpenState(1).build());
    assertThat(breakers.get(1)).isEqualTo(CircuitBreakerRule.builder("payment")
        .failureRateThreshold(25).minimumNumberOfCalls(5).slidingWindow(SlidingWindowType.TIME_BASED, 1)
        .waitDurationInOpenState(Duration.ofSeconds(5)).permittedNumberOfCallsInHalfOpenState(1).build());
  }

  @Test
  void rejectsWhatHasNoEquivalentNamingRuleAndField() {
    assertThatThrownBy(() -> SentinelRules.fromFlowRules("[{\"resource\": \"a\", \"count\": 5}, {\"resource\": \"b\", \"grade\": 3, \"count\": 5}]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Sentinel flow rule [1] (resource 'b'): field 'grade' = 3 has no equivalent");
    assertThatThrownBy(() -> SentinelRules.fromFlowRules("[{\"resource\": \"a\", \"count\": 5, \"controlBehavior\": 1}]"))
        .hasMessageContaining("field 'controlBehavior' = 1 has no equivalent");
    assertThatThrownBy(() -> SentinelRules.fromFlowRules("[{\"resource\": \"a\", \"count\": 5, \"strategy\": 1, \"refResource\": \"b\"}]"))
        .hasMessageContaining("field 'strategy' = 1 has no equivalent");
    assertThatThrownBy(() -> SentinelRules.fromFlowRules("[{\"resource\": \"a\", \"count\": 5, \"limitApp\": \"web\"}]"))
        .hasMessageContaining("field 'limitApp' = 'web' has no equivalent");
    assertThatThrownBy(() -> SentinelRules.fromFlowRules("[{\"resource\": \"a\", \"count\": 5, \"clusterMode\": true}]"))
        .hasMessageContaining("field 'clusterMode' = true has no equivalent");
    assertThatThrownBy(() -> SentinelRules.fromDegradeRules("[{\"resource\": \"a\", \"grade\": 2, \"count\": 5, \"timeWindow\": 10}]"))
        .hasMessageStartingWith("Sentinel degrade rule [0] (resource 'a'): field 'grade' = 2 has no equivalent");
    assertThatThrownBy(() -> SentinelRules.fromDegradeRules("[{\"resource\": \"a\", \"grade\": 1, \"count\": 1.5, \"timeWindow\": 10}]"))
        .hasMessageContaining("field 'count' = 1.5 is invalid");
    assertThatThrownBy(() -> SentinelRules.fromFlowRules("{\"resource\": \"a\"}"))
        .hasMessageContaining("must be a JSON array");
  }

  @Test
  void mapsThreadCountFlowRulesToBulkheadsThatRefuseAtOnce() {
    String flow = """
        [{"resource": "GET:/orders", "grade": 1, "count": 20},
         {"resource": "inventory", "limitApp": "default", "grade": 0, "count": 8, "strategy": 0, "controlBehavior": 2},
         {"resource": "inventory", "grade": 0, "count": 5.5},
         {"resource": "payment", "grade": 0, "count": 12}]
        """;

    assertThat(SentinelRules.bulkheadsFromFlowRules(flow)).containsExactly(
        new BulkheadRule("inventory", 5, Duration.ZERO), new BulkheadRule("payment", 12, Duration.ZERO));
    assertThat(SentinelRules.fromFlowRules(flow)).extracting(RateLimitRule::resource).containsExactly("GET:/orders");
  }

  @Test
  void fromFlowRulesNamesTheThreadCountRulesItLeavesOutInOneWarning() {
    String flow = """
        [{"resource": "GET:/orders", "grade": 1, "count": 20},
         {"resource": "inventory", "grade": 0, "count": 8},
         {"resource": "payment", "grade": 0, "count": 12}]
        """;
    try (LogCapture logs = LogCapture.start()) {
      assertThat(SentinelRules.fromFlowRules(flow)).extracting(RateLimitRule::resource).containsExactly("GET:/orders");

      assertThat(logs.lines("WARN")).singleElement().satisfies(line -> assertThat(line)
          .contains("'inventory', 'payment'").contains("grade 0").contains("SentinelRules.bulkheadsFromFlowRules"));
      logs.clear();
      SentinelRules.fromFlowRules("[{\"resource\": \"GET:/orders\", \"grade\": 1, \"count\": 20}]");
      assertThat(logs.lines("WARN")).as("nothing left out, nothing logged").isEmpty();
    }
  }

  @Test
  void rejectsAThreadCountBelowOneAndMalformedRulesOfEitherGrade() {
    assertThatThrownBy(() -> SentinelRules.bulkheadsFromFlowRules("[{\"resource\": \"a\", \"grade\": 0, \"count\": 0.5}]"))
        .hasMessageStartingWith("Sentinel flow rule [0] (resource 'a'): field 'count' = 0.5 is invalid");
    assertThatThrownBy(() -> SentinelRules.bulkheadsFromFlowRules(
        "[{\"resource\": \"a\", \"grade\": 0, \"count\": 2}, {\"resource\": \"b\", \"count\": 5, \"clusterMode\": true}]"))
        .hasMessageStartingWith("Sentinel flow rule [1] (resource 'b'): field 'clusterMode' = true has no equivalent");
    assertThatThrownBy(() -> SentinelRules.fromFlowRules(
        "[{\"resource\": \"a\", \"count\": 2}, {\"resource\": \"b\", \"grade\": 0, \"count\": 5, \"strategy\": 2}]"))
        .hasMessageStartingWith("Sentinel flow rule [1] (resource 'b'): field 'strategy' = 2 has no equivalent");
  }

  @Test
  void importedRulesMergeIntoADocument() {
    GovernanceRules rules = SentinelRules.merge(GovernanceRules.EMPTY,
        SentinelRules.fromFlowRules("[{\"resource\": \"a\", \"count\": 5}]"),
        SentinelRules.fromDegradeRules("[{\"resource\": \"a\", \"grade\": 1, \"count\": 0.5, \"timeWindow\": 10}]"));
    assertThat(rules.rateLimits()).hasSize(1);
    assertThat(rules.circuitBreakers().get(0).failureRateThreshold()).isEqualTo(50);

    GovernanceRules withBulkheads = SentinelRules.merge(rules, List.of(),
        SentinelRules.bulkheadsFromFlowRules("[{\"resource\": \"a\", \"grade\": 0, \"count\": 3}]"), List.of());
    assertThat(withBulkheads.bulkheads()).containsExactly(BulkheadRule.of("a", 3));
    assertThat(withBulkheads.rateLimits()).isEqualTo(rules.rateLimits());
  }
}
