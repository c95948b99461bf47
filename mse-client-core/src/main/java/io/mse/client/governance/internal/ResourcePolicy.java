package io.mse.client.governance.internal;

import io.mse.client.governance.RetryRule;
import java.time.Duration;

/**
 * What applies to calls of one resource under one set of rules: its live limiter, breaker and
 * bulkhead (or null), retry rule and budget (or null), timeout (0 when none) and counters. Resolved once per
 * resource and rule change. Immutable but for the cached service. Thread-safe.
 */
final class ResourcePolicy {

  final String resource;
  final FixedWindowRateLimiter limiter;
  final Resilience4jBreaker breaker;
  final Resilience4jBulkhead bulkhead;
  final RetryRule retry;
  final RetryBudget budget;
  final long timeoutNanos;
  final Duration timeout;
  final ResourceCounters counters;
  /**
   * The runtime of the service the last request of this resource went to, saving two hash lookups
   * per decision (a resource nearly always names one service); checked against each request.
   */
  volatile ServiceRuntime service;

  ResourcePolicy(String resource, FixedWindowRateLimiter limiter, Resilience4jBreaker breaker,
      Resilience4jBulkhead bulkhead, RetryRule retry, RetryBudget budget, Duration timeout, ResourceCounters counters) {
    this.resource = resource;
    this.limiter = limiter;
    this.breaker = breaker;
    this.bulkhead = bulkhead;
    this.retry = retry;
    this.budget = budget;
    this.timeout = timeout;
    this.timeoutNanos = timeout == null ? 0 : timeout.toNanos();
    this.counters = counters;
  }
}
