package io.mse.client.governance;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A governance rule document (format version 1): routes, load balancers and outlier detection per
 * service; rate limits, circuit breakers, bulkheads, retries and timeouts per resource. Immutable and
 * thread-safe. Read one with {@link #parse(String)}, build one with {@link #builder()}; the JSON
 * format is documented in {@code docs/governance.md} and {@code docs/governance-rules.schema.json}.
 *
 * <p>Keys: routes, load balancers and outlier detection are keyed by service; the others by
 * resource. A resource rule applies to the request's resource, else to its service, else to the
 * {@code *} rule; {@code *} is also accepted as a service key in {@code loadBalancers} and
 * {@code outlierDetection}.
 *
 * @param version the format version; 1
 * @param routes in order; per service, the first matching route wins
 * @param loadBalancers per service (or {@code *})
 * @param outlierDetection per service (or {@code *})
 * @param rateLimits at most one per resource
 * @param circuitBreakers at most one per resource
 * @param retries at most one per resource
 * @param timeouts at most one per resource
 * @param bulkheads at most one per resource
 */
public record GovernanceRules(int version, List<RouteRule> routes, Map<String, LoadBalancerRule> loadBalancers,
    Map<String, OutlierDetectionRule> outlierDetection, List<RateLimitRule> rateLimits,
    List<CircuitBreakerRule> circuitBreakers, List<RetryRule> retries, List<TimeoutRule> timeouts,
    List<BulkheadRule> bulkheads) {

  /** The format version this library reads and writes. */
  public static final int VERSION = 1;

  /** A document with no rule at all. */
  public static final GovernanceRules EMPTY = builder().build();

  /**
   * Checks and normalizes the components, as described above.
   *
   * @throws IllegalArgumentException when the version is not 1 or a resource has two rules of a kind
   */
  public GovernanceRules {
    if (version != VERSION) {
      throw new RuleValueException("version", version, "the supported version is " + VERSION);
    }
    routes = RuleChecks.list("routes", routes);
    loadBalancers = RuleChecks.map("loadBalancers", loadBalancers);
    outlierDetection = RuleChecks.map("outlierDetection", outlierDetection);
    rateLimits = unique("rateLimits", RuleChecks.list("rateLimits", rateLimits), RateLimitRule::resource);
    circuitBreakers = unique("circuitBreakers", RuleChecks.list("circuitBreakers", circuitBreakers),
        CircuitBreakerRule::resource);
    retries = unique("retries", RuleChecks.list("retries", retries), RetryRule::resource);
    timeouts = unique("timeouts", RuleChecks.list("timeouts", timeouts), TimeoutRule::resource);
    bulkheads = unique("bulkheads", RuleChecks.list("bulkheads", bulkheads), BulkheadRule::resource);
  }

  /**
   * Parses and validates a whole document. Unknown fields, values of the wrong type, zero or negative
   * limits, weights not adding up to 100 and unparsable durations are all rejected, every problem
   * being listed with the JSON path of the field and the value.
   *
   * @param json the document; not null
   * @throws InvalidRulesException when the document is not valid
   */
  public static GovernanceRules parse(String json) {
    return ImplementationBridge.parseRules(json);
  }

  /**
   * Returns {@code baseline} overridden rule by rule by {@code override}: the routes of a service in
   * {@code override} replace all of that service's routes in {@code baseline}; a load balancer,
   * outlier detection, rate limit, circuit breaker, bulkhead, retry or timeout rule replaces the one with the
   * same service or resource key; every other rule of both is kept.
   */
  public static GovernanceRules merge(GovernanceRules baseline, GovernanceRules override) {
    Set<String> overridden = new HashSet<>();
    override.routes.forEach(r -> overridden.add(r.service()));
    List<RouteRule> routes = new ArrayList<>(override.routes);
    baseline.routes.stream().filter(r -> !overridden.contains(r.service())).forEach(routes::add);
    Map<String, LoadBalancerRule> lbs = new LinkedHashMap<>(baseline.loadBalancers);
    lbs.putAll(override.loadBalancers);
    Map<String, OutlierDetectionRule> outliers = new LinkedHashMap<>(baseline.outlierDetection);
    outliers.putAll(override.outlierDetection);
    return new GovernanceRules(VERSION, routes, lbs, outliers,
        mergeByKey(baseline.rateLimits, override.rateLimits, RateLimitRule::resource),
        mergeByKey(baseline.circuitBreakers, override.circuitBreakers, CircuitBreakerRule::resource),
        mergeByKey(baseline.retries, override.retries, RetryRule::resource),
        mergeByKey(baseline.timeouts, override.timeouts, TimeoutRule::resource),
        mergeByKey(baseline.bulkheads, override.bulkheads, BulkheadRule::resource));
  }

  /** Returns a builder of an empty version-1 document. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this document's rules. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.routes.addAll(routes);
    b.loadBalancers.putAll(loadBalancers);
    b.outlierDetection.putAll(outlierDetection);
    b.rateLimits.addAll(rateLimits);
    b.circuitBreakers.addAll(circuitBreakers);
    b.retries.addAll(retries);
    b.timeouts.addAll(timeouts);
    b.bulkheads.addAll(bulkheads);
    return b;
  }

  private static <T> List<T> mergeByKey(List<T> baseline, List<T> override, Function<T, String> key) {
    Map<String, T> byKey = new LinkedHashMap<>();
    baseline.forEach(r -> byKey.put(key.apply(r), r));
    override.forEach(r -> byKey.put(key.apply(r), r));
    return new ArrayList<>(byKey.values());
  }

  private static <T> List<T> unique(String field, List<T> rules, Function<T, String> key) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < rules.size(); i++) {
      String k = key.apply(rules.get(i));
      if (!seen.add(k)) {
        throw new RuleValueException(field + "[" + i + "].resource", k, "another rule of this list has the same resource");
      }
    }
    return rules;
  }

  /**
   * Builds {@link GovernanceRules} in code, for tests and for applications without a config center.
   * Each rule is checked when made; {@link #build()} checks the document. Not thread-safe.
   */
  public static final class Builder {
    private final List<RouteRule> routes = new ArrayList<>();
    private final Map<String, LoadBalancerRule> loadBalancers = new LinkedHashMap<>();
    private final Map<String, OutlierDetectionRule> outlierDetection = new LinkedHashMap<>();
    private final List<RateLimitRule> rateLimits = new ArrayList<>();
    private final List<CircuitBreakerRule> circuitBreakers = new ArrayList<>();
    private final List<RetryRule> retries = new ArrayList<>();
    private final List<TimeoutRule> timeouts = new ArrayList<>();
    private final List<BulkheadRule> bulkheads = new ArrayList<>();

    private Builder() {}

    /** Adds a route after those already added. */
    public Builder route(RouteRule route) {
      routes.add(java.util.Objects.requireNonNull(route, "route"));
      return this;
    }

    /** Sets the load balancer of a service (or {@code *}). */
    public Builder loadBalancer(String service, LoadBalancerRule rule) {
      loadBalancers.put(RuleChecks.nonBlank("service", service), java.util.Objects.requireNonNull(rule, "rule"));
      return this;
    }

    /** Sets the load balancer type of a service (or {@code *}). */
    public Builder loadBalancer(String service, LoadBalancerType type) {
      return loadBalancer(service, LoadBalancerRule.of(type));
    }

    /** Sets the outlier detection of a service (or {@code *}). */
    public Builder outlierDetection(String service, OutlierDetectionRule rule) {
      outlierDetection.put(RuleChecks.nonBlank("service", service), java.util.Objects.requireNonNull(rule, "rule"));
      return this;
    }

    /** Adds a rate limit, replacing one of the same resource. */
    public Builder rateLimit(RateLimitRule rule) {
      rateLimits.removeIf(r -> r.resource().equals(rule.resource()));
      rateLimits.add(rule);
      return this;
    }

    /** Adds a circuit breaker, replacing one of the same resource. */
    public Builder circuitBreaker(CircuitBreakerRule rule) {
      circuitBreakers.removeIf(r -> r.resource().equals(rule.resource()));
      circuitBreakers.add(rule);
      return this;
    }

    /** Adds a bulkhead, replacing one of the same resource. */
    public Builder bulkhead(BulkheadRule rule) {
      bulkheads.removeIf(r -> r.resource().equals(rule.resource()));
      bulkheads.add(rule);
      return this;
    }

    /** Adds a retry rule, replacing one of the same resource. */
    public Builder retry(RetryRule rule) {
      retries.removeIf(r -> r.resource().equals(rule.resource()));
      retries.add(rule);
      return this;
    }

    /** Adds a timeout, replacing one of the same resource. */
    public Builder timeout(TimeoutRule rule) {
      timeouts.removeIf(r -> r.resource().equals(rule.resource()));
      timeouts.add(rule);
      return this;
    }

    /** Adds a timeout of a resource. */
    public Builder timeout(String resource, java.time.Duration timeout) {
      return timeout(new TimeoutRule(resource, timeout));
    }

    /** Builds the document. */
    public GovernanceRules build() {
      return new GovernanceRules(VERSION, routes, loadBalancers, outlierDetection, rateLimits, circuitBreakers, retries,
          timeouts, bulkheads);
    }
  }
}
