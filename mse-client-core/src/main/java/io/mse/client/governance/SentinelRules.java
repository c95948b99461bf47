package io.mse.client.governance;

import java.util.List;

/**
 * Imports Sentinel flow and degrade rules (the JSON arrays teams keep in Nacos for
 * {@code sentinel-datasource-nacos}, as written by the Sentinel dashboard) as rate-limit, bulkhead
 * and circuit-breaker rules. Stateless and thread-safe.
 *
 * <p>Flow rules ({@code FlowRule}) map to {@link RateLimitRule} ({@link #fromFlowRules}) and
 * {@link BulkheadRule} ({@link #bulkheadsFromFlowRules}); both read the whole array and reject it
 * when any rule is malformed, each returning its own kind:
 * <ul>
 *   <li>{@code grade} 1 (QPS), {@code count} c: c permits per second; a fractional c becomes the
 *       smallest whole number of permits per whole number of seconds ({@code 0.5} = 1 per 2 s).
 *       Several rules of one resource: the lowest limit wins (Sentinel requires all to pass).
 *   <li>{@code grade} 0 (thread count), {@code count} c: a bulkhead of ⌊c⌋ concurrent calls (Sentinel
 *       refuses a call when threads + 1 &gt; c) that refuses the excess at once ({@code maxWait} 0);
 *       c must be at least 1. Its {@code controlBehavior} is ignored, as Sentinel ignores it for
 *       thread counts. Several rules of one resource: the lowest wins.
 *   <li>no equivalent, rejected: {@code strategy} 1/2 (relate, chain), {@code controlBehavior}
 *       1/2/3 of a QPS rule (warm up, queueing, both), {@code limitApp} other than {@code default}
 *       (per-caller limits), {@code clusterMode} true, grades other than 0 and 1.
 * </ul>
 *
 * <p>Degrade rules ({@code DegradeRule}) map to {@link CircuitBreakerRule}, time-based window of
 * {@code statIntervalMs} rounded up to whole seconds (default 1 s), {@code minimumNumberOfCalls} =
 * {@code minRequestAmount} (default 5), wait in open state = {@code timeWindow} seconds, and one
 * half-open probe (as Sentinel):
 * <ul>
 *   <li>{@code grade} 0 (slow request ratio): slow call duration = {@code count} ms, slow-call rate =
 *       {@code slowRatioThreshold} × 100 (default 100); failure rate 100 (Sentinel's RT rule ignores
 *       errors; Resilience4j cannot turn the failure rate off, so only all-failing windows open it).
 *   <li>{@code grade} 1 (exception ratio): failure rate = {@code count} × 100.
 *   <li>no equivalent, rejected: {@code grade} 2 (exception count: Resilience4j thresholds are rates),
 *       {@code limitApp} other than {@code default}, two rules for one resource.
 * </ul>
 * Sentinel opens when a ratio exceeds its threshold, Resilience4j when it reaches it.
 *
 * <p>Dashboard bookkeeping fields ({@code id}, {@code app}, {@code ip}, {@code port},
 * {@code gmtCreate}, {@code gmtModified}) and fields without effect in the mapped settings are ignored.
 */
public final class SentinelRules {

  private SentinelRules() {}

  /**
   * Converts the QPS rules ({@code grade} 1) of a JSON array of Sentinel flow rules; its
   * thread-count rules are {@link #bulkheadsFromFlowRules}'s: left out here, with one WARN naming
   * their resources and pointing to {@link #bulkheadsFromFlowRules} (per call that leaves some out).
   *
   * @param json the array; null is rejected as not an array
   * @return one rate limit per resource, in order of first appearance; empty for an array without
   *     QPS rules
   * @throws IllegalArgumentException naming the rule (index and resource), the field and its value
   *     when a rule is malformed or has no equivalent
   */
  public static List<RateLimitRule> fromFlowRules(String json) {
    return ImplementationBridge.fromFlowRules(json);
  }

  /**
   * Converts the thread-count rules ({@code grade} 0) of a JSON array of Sentinel flow rules to
   * bulkheads that refuse the excess at once; its QPS rules are {@link #fromFlowRules}'s.
   *
   * @param json the array; null is rejected as not an array
   * @return one bulkhead per resource, in order of first appearance; empty for an array without
   *     thread-count rules
   * @throws IllegalArgumentException naming the rule (index and resource), the field and its value
   *     when a rule (of either grade) is malformed or has no equivalent
   */
  public static List<BulkheadRule> bulkheadsFromFlowRules(String json) {
    return ImplementationBridge.bulkheadsFromFlowRules(json);
  }

  /**
   * Converts a JSON array of Sentinel degrade rules.
   *
   * @param json the array; null is rejected as not an array
   * @return one circuit breaker per resource, in order; empty for an empty array
   * @throws IllegalArgumentException naming the rule (index and resource), the field and its value
   *     when a rule is malformed or has no equivalent
   */
  public static List<CircuitBreakerRule> fromDegradeRules(String json) {
    return ImplementationBridge.fromDegradeRules(json);
  }

  /** Returns {@code base} with the imported rules added (replacing rules of the same resources). */
  public static GovernanceRules merge(GovernanceRules base, List<RateLimitRule> rateLimits,
      List<CircuitBreakerRule> circuitBreakers) {
    return merge(base, rateLimits, List.of(), circuitBreakers);
  }

  /** Returns {@code base} with the imported rules added (replacing rules of the same resources). */
  public static GovernanceRules merge(GovernanceRules base, List<RateLimitRule> rateLimits,
      List<BulkheadRule> bulkheads, List<CircuitBreakerRule> circuitBreakers) {
    GovernanceRules.Builder b = base.toBuilder();
    rateLimits.forEach(b::rateLimit);
    bulkheads.forEach(b::bulkhead);
    circuitBreakers.forEach(b::circuitBreaker);
    return b.build();
  }
}
