package io.mse.client.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GovernanceRulesTest {

  static final String DESIGN_EXAMPLE = """
      {
        "version": 1,
        "routes": [{ "service": "payment-service",
                     "match": { "headers": { "x-mse-tag": "gray" } },
                     "destinations": [ { "subset": { "version": "v2" }, "weight": 5 },
                                       { "subset": { "version": "v1" }, "weight": 95 } ] }],
        "loadBalancers":    { "payment-service": "ROUND_ROBIN" },
        "outlierDetection": { "inventory-service": { "consecutiveErrors": 5, "baseEjectionTime": "30s", "maxEjectionPercent": 50 } },
        "rateLimits":       [{ "resource": "order-service:GET /orders", "permitsPerSecond": 200 }],
        "circuitBreakers":  [{ "resource": "inventory-service", "failureRateThreshold": 50,
                               "slowCallDurationThreshold": "1s", "minimumNumberOfCalls": 20,
                               "waitDurationInOpenState": "30s" }],
        "retries":          [{ "resource": "inventory-service", "maxAttempts": 2, "budgetPercent": 20 }],
        "timeouts":         [{ "resource": "inventory-service", "timeout": "1s" }]
      }
      """;

  @Test
  void parsesTheDesignExample() {
    GovernanceRules rules = GovernanceRules.parse(DESIGN_EXAMPLE);

    RouteRule route = rules.routes().get(0);
    assertThat(route.service()).isEqualTo("payment-service");
    assertThat(route.match().headers()).containsEntry("x-mse-tag", "gray");
    assertThat(route.destinations()).containsExactly(Destination.of("version", "v2", 5), Destination.of("version", "v1", 95));
    assertThat(route.fallback()).isEqualTo(RouteFallback.ALL_INSTANCES);
    assertThat(rules.loadBalancers().get("payment-service").type()).isEqualTo(LoadBalancerType.ROUND_ROBIN);
    OutlierDetectionRule outlier = rules.outlierDetection().get("inventory-service");
    assertThat(outlier.consecutiveErrors()).isEqualTo(5);
    assertThat(outlier.baseEjectionTime()).isEqualTo(Duration.ofSeconds(30));
    assertThat(outlier.maxEjectionPercent()).isEqualTo(50);
    assertThat(rules.rateLimits()).containsExactly(RateLimitRule.perSecond("order-service:GET /orders", 200));
    CircuitBreakerRule cb = rules.circuitBreakers().get(0);
    assertThat(cb.slowCallDurationThreshold()).isEqualTo(Duration.ofSeconds(1));
    assertThat(cb.minimumNumberOfCalls()).isEqualTo(20);
    assertThat(cb.waitDurationInOpenState()).isEqualTo(Duration.ofSeconds(30));
    assertThat(rules.retries().get(0)).isEqualTo(new RetryRule("inventory-service", 2, 20, Duration.ofSeconds(10), 3));
    assertThat(rules.timeouts().get(0).timeout()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void parsesExtendedFields() {
    GovernanceRules rules = GovernanceRules.parse("""
        {"version": 1,
         "routes": [{"service": "s", "match": {"path": {"prefix": "/api"}, "method": "get", "caller": "web", "tag": "gray"},
                     "destinations": [{"subset": {"version": "v2"}}], "fallback": "FAIL"}],
         "loadBalancers": {"s": {"type": "CONSISTENT_HASH", "hashKey": "header:X-User"},
                           "*": {"type": "LEAST_REQUESTS", "warmup": "2m"}},
         "outlierDetection": {"s": {"errorRateThreshold": 50, "minimumCalls": 20, "interval": "250ms", "maxEjectionTime": "5m"}},
         "rateLimits": [{"resource": "s", "limitForPeriod": 10, "period": "250ms"}]}
        """);

    RouteMatch match = rules.routes().get(0).match();
    assertThat(match.path()).isEqualTo(StringMatch.prefix("/api"));
    assertThat(match.method()).isEqualTo("GET");
    assertThat(rules.routes().get(0).destinations().get(0).weight()).isEqualTo(100);
    assertThat(rules.loadBalancers().get("s").hashKey()).isEqualTo("header:X-User");
    assertThat(rules.loadBalancers().get("*").warmup()).isEqualTo(Duration.ofMinutes(2));
    OutlierDetectionRule outlier = rules.outlierDetection().get("s");
    assertThat(outlier.consecutiveErrors()).isZero();
    assertThat(outlier.errorRateThreshold()).isEqualTo(50);
    assertThat(outlier.interval()).isEqualTo(Duration.ofMillis(250));
    assertThat(rules.rateLimits().get(0)).isEqualTo(new RateLimitRule("s", 10, Duration.ofMillis(250)));
  }

  @Test
  void rejectsUnknownFieldsNamingTheirPath() {
    assertThatThrownBy(() -> GovernanceRules.parse("""
        {"version": 1, "routes": [{"service": "s", "destinations": [{"weigth": 100}]}], "timeout": []}
        """))
        .isInstanceOf(InvalidRulesException.class)
        .satisfies(e -> assertThat(((InvalidRulesException) e).problems()).anySatisfy(p ->
            assertThat(p).startsWith("$.routes[0].destinations[0].weigth: unknown field"))
            .anySatisfy(p -> assertThat(p).startsWith("$.timeout: unknown field")));
  }

  @Test
  void rejectsZeroAndNegativeLimitsNamingFieldAndValue() {
    assertThatThrownBy(() -> GovernanceRules.parse("""
        {"version": 1,
         "rateLimits": [{"resource": "a", "permitsPerSecond": 0}],
         "retries": [{"resource": "a", "maxAttempts": -1}],
         "circuitBreakers": [{"resource": "a", "minimumNumberOfCalls": 0}],
         "outlierDetection": {"a": {"consecutiveErrors": -3}}}
        """))
        .isInstanceOf(InvalidRulesException.class)
        .satisfies(e -> assertThat(((InvalidRulesException) e).problems()).containsExactlyInAnyOrder(
            "$.rateLimits[0].permitsPerSecond: 0 is invalid: it must be positive",
            "$.retries[0].maxAttempts: -1 is invalid: it must be positive",
            "$.circuitBreakers[0].minimumNumberOfCalls: 0 is invalid: it must be positive",
            "$.outlierDetection.a.consecutiveErrors: -3 is invalid: it must be positive"));
  }

  @Test
  void rejectsWeightsThatDoNotAddUpTo100() {
    assertThatThrownBy(() -> GovernanceRules.parse("""
        {"version": 1, "routes": [{"service": "s", "destinations": [
           {"subset": {"version": "v1"}, "weight": 90}, {"subset": {"version": "v2"}, "weight": 5}]}]}
        """))
        .isInstanceOf(InvalidRulesException.class)
        .hasMessageContaining("$.routes[0].destinations: 'weights adding up to 95' is invalid: the weights must add up to 100");
  }

  @Test
  void rejectsUnparsableDurationsNamingTheValue() {
    assertThatThrownBy(() -> GovernanceRules.parse("""
        {"version": 1, "timeouts": [{"resource": "a", "timeout": "1 sec"}, {"resource": "b", "timeout": "0ms"}]}
        """))
        .isInstanceOf(InvalidRulesException.class)
        .satisfies(e -> assertThat(((InvalidRulesException) e).problems()).containsExactly(
            "$.timeouts[0].timeout: '1 sec' is invalid: a duration is a whole number and a unit (ms, s, m, h),"
                + " such as '250ms', '1s' or '2m'",
            "$.timeouts[1].timeout: '0ms' is invalid: it must be positive"));
  }

  @Test
  void rejectsWrongTypesVersionsDuplicatesAndBadJson() {
    assertThatThrownBy(() -> GovernanceRules.parse("{\"version\": 2}"))
        .hasMessageContaining("$.version: 2 is invalid: the supported version is 1");
    assertThatThrownBy(() -> GovernanceRules.parse("{\"version\": 1, \"rateLimits\": {}}"))
        .hasMessageContaining("$.rateLimits: '{}' is invalid: it must be an array");
    assertThatThrownBy(() -> GovernanceRules.parse("{\"version\": 1, \"loadBalancers\": {\"s\": \"FASTEST\"}}"))
        .hasMessageContaining("$.loadBalancers.s: 'FASTEST' is invalid: it must be one of [RANDOM, ROUND_ROBIN,");
    assertThatThrownBy(() -> GovernanceRules.parse(
        "{\"version\": 1, \"timeouts\": [{\"resource\": \"a\", \"timeout\": \"1s\"}, {\"resource\": \"a\", \"timeout\": \"2s\"}]}"))
        .hasMessageContaining("$.timeouts[1].resource: 'a' is invalid: another rule of this list has the same resource");
    assertThatThrownBy(() -> GovernanceRules.parse("{\"version\": 1,"))
        .isInstanceOf(InvalidRulesException.class).hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> GovernanceRules.parse("{\"version\": 1, \"version\": 1}"))
        .hasMessageContaining("Duplicate field 'version'");
  }

  @Test
  void reportsEveryProblemOfTheDocumentAtOnce() {
    InvalidRulesException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidRulesException.class, () ->
        GovernanceRules.parse("""
            {"version": 1, "rateLimits": [{"resource": "a", "permitsPerSecond": -1}],
             "timeouts": [{"resource": "a", "timeout": "soon"}], "extra": true}
            """));
    assertThat(e.problems()).hasSize(3);
  }

  @Test
  void builderChecksEachRuleNamingFieldAndValue() {
    assertThatThrownBy(() -> new TimeoutRule("a", Duration.ZERO)).hasMessage("timeout '0ms' is invalid: it must be positive");
    assertThatThrownBy(() -> RateLimitRule.perSecond("a", 0)).hasMessage("permitsPerSecond 0 is invalid: it must be positive");
    assertThatThrownBy(() -> RouteRule.of("s", null, Destination.of("v", "1", 50)))
        .hasMessageContaining("the weights must add up to 100");
    assertThatThrownBy(() -> CircuitBreakerRule.builder("a").failureRateThreshold(0).build())
        .hasMessageContaining("failureRateThreshold 0.0 is invalid");
    GovernanceRules rules = GovernanceRules.builder()
        .route(RouteRule.of("s", RouteMatch.tag("gray"), Destination.of("version", "v2", 100)))
        .loadBalancer("s", LoadBalancerType.LEAST_REQUESTS)
        .timeout("s", Duration.ofMillis(250))
        .build();
    assertThat(rules.routes()).hasSize(1);
    assertThat(rules.timeouts().get(0).timeout()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void mergeOverridesRuleByRuleByKey() {
    GovernanceRules baseline = GovernanceRules.builder()
        .timeout("*", Duration.ofSeconds(2))
        .timeout("inventory-service", Duration.ofSeconds(3))
        .rateLimit(RateLimitRule.perSecond("*", 100))
        .route(RouteRule.of("a", null, Destination.of("version", "v1", 100)))
        .route(RouteRule.of("b", null, Destination.of("version", "v1", 100)))
        .loadBalancer("*", LoadBalancerType.ROUND_ROBIN)
        .build();
    GovernanceRules app = GovernanceRules.builder()
        .timeout("inventory-service", Duration.ofMillis(500))
        .route(RouteRule.of("a", RouteMatch.tag("gray"), Destination.of("version", "v2", 100)))
        .loadBalancer("a", LoadBalancerType.LEAST_REQUESTS)
        .build();

    GovernanceRules merged = GovernanceRules.merge(baseline, app);

    assertThat(merged.timeouts()).containsExactlyInAnyOrder(new TimeoutRule("*", Duration.ofSeconds(2)),
        new TimeoutRule("inventory-service", Duration.ofMillis(500)));
    assertThat(merged.rateLimits()).containsExactly(RateLimitRule.perSecond("*", 100));
    assertThat(merged.routes()).extracting(RouteRule::service).containsExactly("a", "b");
    assertThat(merged.routes().get(0).match().tag()).isEqualTo("gray");
    assertThat(merged.loadBalancers()).containsOnlyKeys("*", "a");
    assertThat(merged.routes().get(1).destinations()).isEqualTo(List.of(new Destination(Map.of("version", "v1"), 100)));
  }

  @Test
  void rejectsDurationsLongerThanADayWithTheirPathAndValue() {
    assertThatThrownBy(() -> GovernanceRules.parse("""
        {"version": 1, "retries": [{"resource": "inv", "maxAttempts": 2, "budgetWindow": "3000000h"}],
         "timeouts": [{"resource": "inv", "timeout": "86400001ms"}],
         "outlierDetection": {"inv": {"baseEjectionTime": "25h", "maxEjectionTime": "999999999999h"}}}
        """))
        .isInstanceOf(InvalidRulesException.class)
        .satisfies(e -> assertThat(((InvalidRulesException) e).problems()).containsExactlyInAnyOrder(
            "$.retries[0].budgetWindow: '3000000h' is invalid: it must be at most 24h",
            "$.timeouts[0].timeout: '86400001ms' is invalid: it must be at most 24h",
            "$.outlierDetection.inv.baseEjectionTime: '25h' is invalid: it must be at most 24h"));

    GovernanceRules aDay = GovernanceRules.parse("""
        {"version": 1, "retries": [{"resource": "inv", "maxAttempts": 2, "budgetWindow": "24h"}]}
        """);
    assertThat(aDay.retries().get(0).budgetWindow()).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void rulesBuiltInCodeRejectDurationsLongerThanADay() {
    assertThatThrownBy(() -> new RetryRule("inv", 2, 20, Duration.ofHours(3_000_000), 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("budgetWindow '3000000h' is invalid: it must be at most 24h");
    assertThatThrownBy(() -> new TimeoutRule("inv", Duration.ofSeconds(Long.MAX_VALUE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout").hasMessageContaining("it must be at most 24h");
    assertThatThrownBy(() -> new LoadBalancerRule(LoadBalancerType.RANDOM, null, Duration.ofDays(2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("warmup '48h'");
  }
}
