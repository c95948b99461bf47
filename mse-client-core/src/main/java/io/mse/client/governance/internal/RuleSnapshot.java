package io.mse.client.governance.internal;

import io.mse.client.governance.BulkheadRule;
import io.mse.client.governance.CircuitBreakerRule;
import io.mse.client.governance.GovernanceRules;
import io.mse.client.governance.LoadBalancerRule;
import io.mse.client.governance.OutlierDetectionRule;
import io.mse.client.governance.RateLimitRule;
import io.mse.client.governance.RetryRule;
import io.mse.client.governance.RouteRule;
import io.mse.client.governance.TimeoutRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rules in force, indexed for lookup, with the per-resource policies resolved from them so far.
 * Replaced as a whole on every rule change. Thread-safe.
 */
final class RuleSnapshot {

  static final String ANY = "*";

  final GovernanceRules rules;
  /** Numbers the snapshots of one governance in the order they are made (0: the empty first one). */
  final long version;
  final Map<String, RateLimitRule> rateLimits = new HashMap<>();
  final Map<String, CircuitBreakerRule> breakers = new HashMap<>();
  final Map<String, RetryRule> retries = new HashMap<>();
  final Map<String, TimeoutRule> timeouts = new HashMap<>();
  final Map<String, BulkheadRule> bulkheads = new HashMap<>();
  final Map<String, List<RouteRule>> routes = new HashMap<>();
  /** Resolved policies by request resource, of the resources whose every rule is their own. */
  private final ConcurrentHashMap<String, ResourcePolicy> policies = new ConcurrentHashMap<>();
  /**
   * Resolved policies by request resource, then by service: the resources that take a rule of their
   * service (or {@code *}), since one resource name may be called on several services.
   */
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, ResourcePolicy>> servicePolicies =
      new ConcurrentHashMap<>();

  RuleSnapshot(GovernanceRules rules) {
    this(rules, 0);
  }

  RuleSnapshot(GovernanceRules rules, long version) {
    this.rules = rules;
    this.version = version;
    rules.rateLimits().forEach(r -> rateLimits.put(r.resource(), r));
    rules.circuitBreakers().forEach(r -> breakers.put(r.resource(), r));
    rules.retries().forEach(r -> retries.put(r.resource(), r));
    rules.timeouts().forEach(r -> timeouts.put(r.resource(), r));
    rules.bulkheads().forEach(r -> bulkheads.put(r.resource(), r));
    rules.routes().forEach(r -> routes.computeIfAbsent(r.service(), s -> new ArrayList<>()).add(r));
  }

  /** Returns the rule for the resource, else its service, else {@code *}; null when none. */
  static <T> T lookup(Map<String, T> rules, String resource, String service) {
    T rule = rules.get(resource);
    if (rule == null && !resource.equals(service)) {
      rule = rules.get(service);
    }
    return rule == null ? rules.get(ANY) : rule;
  }

  /** Returns the policy resolved so far for {@code resource} called on {@code service}, or null. */
  ResourcePolicy cachedPolicy(String resource, String service) {
    ResourcePolicy policy = policies.get(resource);
    if (policy == null) {
      ConcurrentHashMap<String, ResourcePolicy> byService = servicePolicies.get(resource);
      policy = byService == null ? null : byService.get(service);
    }
    return policy;
  }

  /**
   * Keeps {@code policy}, resolved for {@code resource} called on {@code service}: by resource alone
   * when each kind of rule has one of the resource's own (then the service does not matter), else by
   * resource and service. Returns the policy kept, which another thread may have resolved first.
   */
  ResourcePolicy cache(String resource, String service, ResourcePolicy policy) {
    ResourcePolicy raced;
    if (rateLimits.containsKey(resource) && breakers.containsKey(resource) && retries.containsKey(resource)
        && timeouts.containsKey(resource) && bulkheads.containsKey(resource)) {
      raced = policies.putIfAbsent(resource, policy);
    } else {
      raced = servicePolicies.computeIfAbsent(resource, r -> new ConcurrentHashMap<>()).putIfAbsent(service, policy);
    }
    return raced == null ? policy : raced;
  }

  List<RouteRule> routes(String service) {
    return routes.getOrDefault(service, List.of());
  }

  LoadBalancerRule balancer(String service) {
    LoadBalancerRule rule = rules.loadBalancers().get(service);
    return rule == null ? rules.loadBalancers().get(ANY) : rule;
  }

  OutlierDetectionRule outlier(String service) {
    OutlierDetectionRule rule = rules.outlierDetection().get(service);
    return rule == null ? rules.outlierDetection().get(ANY) : rule;
  }
}
