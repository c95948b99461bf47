package io.mse.client.governance.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.mse.client.governance.BulkheadRule;
import io.mse.client.governance.CircuitBreakerRule;
import io.mse.client.governance.RateLimitRule;
import io.mse.client.governance.RuleValueException;
import io.mse.client.governance.SlidingWindowType;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts Sentinel flow and degrade rules as {@link io.mse.client.governance.SentinelRules}
 * documents (the mapping is described there). Stateless and thread-safe.
 */
final class SentinelRulesImporter {

  private SentinelRulesImporter() {}

  /** The two kinds of limit Sentinel flow rules hold: rates (grade 1) and thread counts (grade 0). */
  record FlowLimits(List<RateLimitRule> rateLimits, List<BulkheadRule> bulkheads) {}

  /**
   * Converts a JSON array of Sentinel flow rules: QPS rules (grade 1) to rate limits, thread-count
   * rules (grade 0) to bulkheads that refuse at once.
   *
   * @return one rate limit and one bulkhead per resource at most, each in order of first appearance
   * @throws IllegalArgumentException naming the rule (index and resource), the field and its value
   *     when a rule is malformed or has no equivalent
   */
  static FlowLimits fromFlowRules(String json) {
    Map<String, RateLimitRule> rates = new LinkedHashMap<>();
    Map<String, BulkheadRule> threads = new LinkedHashMap<>();
    JsonNode rules = array(json, "Sentinel flow rules");
    for (int i = 0; i < rules.size(); i++) {
      JsonNode rule = rules.get(i);
      String where = where("flow", i, rule);
      String resource = resource(rule, where);
      checkLimitApp(rule, where);
      int grade = intField(rule, "grade", 1, where);
      if (grade != 0 && grade != 1) {
        throw noEquivalent(where, "grade", grade, "known grades are 0 (thread count) and 1 (QPS)");
      }
      int strategy = intField(rule, "strategy", 0, where);
      if (strategy != 0) {
        throw noEquivalent(where, "strategy", strategy, "relate (1) and chain (2) limits depend on other resources");
      }
      if (rule.path("clusterMode").asBoolean(false)) {
        throw noEquivalent(where, "clusterMode", true, "limits here are per client, not cluster-wide");
      }
      double count = number(rule, "count", where);
      if (grade == 0) {
        // Sentinel refuses a call when threads + 1 > count, so a count of 2.5 lets 2 in; its
        // controlBehavior applies to QPS rules only.
        if (!(count >= 1) || count > Integer.MAX_VALUE) {
          throw new IllegalArgumentException(where + ": field 'count' = " + count
              + " is invalid: a thread count lets at least 1 call in (at least 1)");
        }
        BulkheadRule mapped = BulkheadRule.of(resource, (int) Math.floor(count));
        threads.merge(resource, mapped, (a, b) -> a.maxConcurrentCalls() <= b.maxConcurrentCalls() ? a : b);
        continue;
      }
      int behavior = intField(rule, "controlBehavior", 0, where);
      if (behavior != 0) {
        throw noEquivalent(where, "controlBehavior", behavior,
            "warm-up (1), queueing (2) and warm-up queueing (3) shape traffic; rate limits here reject at once");
      }
      if (!(count > 0)) {
        throw new IllegalArgumentException(where + ": field 'count' = " + count + " is invalid: it must be positive");
      }
      RateLimitRule mapped = perPeriod(resource, count, where);
      RateLimitRule existing = rates.get(resource);
      if (existing == null || perSecond(mapped) < perSecond(existing)) {
        rates.put(resource, mapped);
      }
    }
    return new FlowLimits(List.copyOf(rates.values()), List.copyOf(threads.values()));
  }

  /**
   * Converts a JSON array of Sentinel degrade rules.
   *
   * @return one circuit breaker per resource, in order
   * @throws IllegalArgumentException naming the rule (index and resource), the field and its value
   *     when a rule is malformed or has no equivalent
   */
  static List<CircuitBreakerRule> fromDegradeRules(String json) {
    Map<String, CircuitBreakerRule> byResource = new LinkedHashMap<>();
    JsonNode rules = array(json, "Sentinel degrade rules");
    for (int i = 0; i < rules.size(); i++) {
      JsonNode rule = rules.get(i);
      String where = where("degrade", i, rule);
      String resource = resource(rule, where);
      checkLimitApp(rule, where);
      if (byResource.containsKey(resource)) {
        throw noEquivalent(where, "resource", resource, "a resource has one circuit breaker here; merge the rules");
      }
      int grade = intField(rule, "grade", 0, where);
      double count = number(rule, "count", where);
      int timeWindow = intField(rule, "timeWindow", -1, where);
      if (timeWindow <= 0) {
        throw new IllegalArgumentException(where + ": field 'timeWindow' = " + timeWindow
            + " is invalid: it must be a positive number of seconds");
      }
      int minRequest = intField(rule, "minRequestAmount", 5, where);
      int statIntervalMs = intField(rule, "statIntervalMs", 1000, where);
      if (minRequest <= 0 || statIntervalMs <= 0) {
        throw new IllegalArgumentException(where + ": fields 'minRequestAmount' = " + minRequest
            + " and 'statIntervalMs' = " + statIntervalMs + " must be positive");
      }
      CircuitBreakerRule.Builder b = CircuitBreakerRule.builder(resource)
          .minimumNumberOfCalls(minRequest)
          .slidingWindow(SlidingWindowType.TIME_BASED, (statIntervalMs + 999) / 1000)
          .waitDurationInOpenState(Duration.ofSeconds(timeWindow))
          .permittedNumberOfCallsInHalfOpenState(1);
      if (grade == 0) {
        double ratio = rule.has("slowRatioThreshold") ? number(rule, "slowRatioThreshold", where) : 1.0;
        if (!(count > 0) || !(ratio > 0 && ratio <= 1)) {
          throw new IllegalArgumentException(where + ": fields 'count' = " + count + " (ms, positive) and"
              + " 'slowRatioThreshold' = " + ratio + " (above 0, at most 1) are invalid");
        }
        b.slowCallDurationThreshold(Duration.ofMillis(Math.round(count))).slowCallRateThreshold(ratio * 100)
            .failureRateThreshold(100);
      } else if (grade == 1) {
        if (!(count > 0 && count <= 1)) {
          throw new IllegalArgumentException(where + ": field 'count' = " + count
              + " is invalid: an exception ratio is above 0 and at most 1");
        }
        b.failureRateThreshold(count * 100);
      } else if (grade == 2) {
        throw noEquivalent(where, "grade", 2, "an exception count has no equivalent: breakers here open on rates"
            + " (use grade 1, an exception ratio)");
      } else {
        throw noEquivalent(where, "grade", grade, "known grades are 0 (slow ratio), 1 (exception ratio), 2 (count)");
      }
      try {
        byResource.put(resource, b.build());
      } catch (RuleValueException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
    }
    return List.copyOf(byResource.values());
  }

  private static RateLimitRule perPeriod(String resource, double count, String where) {
    for (int seconds = 1; seconds <= 1000; seconds++) {
      double permits = count * seconds;
      if (Math.abs(permits - Math.rint(permits)) < 1e-9 && permits >= 1 && permits <= Integer.MAX_VALUE) {
        return new RateLimitRule(resource, (int) Math.rint(permits), Duration.ofSeconds(seconds));
      }
    }
    throw new IllegalArgumentException(where + ": field 'count' = " + count
        + " is invalid: no whole number of permits per whole number of seconds (up to 1000) equals it");
  }

  private static double perSecond(RateLimitRule rule) {
    return rule.limitForPeriod() * 1e9 / rule.period().toNanos();
  }

  private static JsonNode array(String json, String what) {
    JsonNode root;
    try {
      root = GovernanceJson.MAPPER.readTree(json == null ? "" : json);
    } catch (Exception e) {
      throw new IllegalArgumentException(what + " are not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isArray()) {
      throw new IllegalArgumentException(what + " must be a JSON array of rules");
    }
    return root;
  }

  private static String where(String kind, int index, JsonNode rule) {
    String resource = rule.path("resource").asText(null);
    return "Sentinel " + kind + " rule [" + index + "]" + (resource == null ? "" : " (resource '" + resource + "')");
  }

  private static String resource(JsonNode rule, String where) {
    if (!rule.isObject()) {
      throw new IllegalArgumentException(where + " must be a JSON object");
    }
    String resource = rule.path("resource").asText("");
    if (resource.isBlank()) {
      throw new IllegalArgumentException(where + ": field 'resource' is required");
    }
    return resource;
  }

  private static void checkLimitApp(JsonNode rule, String where) {
    String limitApp = rule.path("limitApp").asText("default");
    if (!limitApp.equals("default")) {
      throw noEquivalent(where, "limitApp", "'" + limitApp + "'", "only 'default' (every caller) is supported;"
          + " per-caller limits have no equivalent");
    }
  }

  private static int intField(JsonNode rule, String field, int fallback, String where) {
    JsonNode value = rule.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.canConvertToInt() || !value.isIntegralNumber()) {
      throw new IllegalArgumentException(where + ": field '" + field + "' = " + value + " is invalid: a whole number");
    }
    return value.intValue();
  }

  private static double number(JsonNode rule, String field, String where) {
    JsonNode value = rule.get(field);
    if (value == null || !value.isNumber()) {
      throw new IllegalArgumentException(where + ": field '" + field + "' = " + value + " is invalid: a number is"
          + " required");
    }
    return value.doubleValue();
  }

  private static IllegalArgumentException noEquivalent(String where, String field, Object value, String why) {
    return new IllegalArgumentException(where + ": field '" + field + "' = " + value + " has no equivalent: " + why);
  }
}
