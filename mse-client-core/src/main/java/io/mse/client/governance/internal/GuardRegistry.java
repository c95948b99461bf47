package io.mse.client.governance.internal;

import io.mse.client.Ticker;
import io.mse.client.governance.BulkheadRule;
import io.mse.client.governance.CircuitBreakerRule;
import io.mse.client.governance.CircuitState;
import io.mse.client.governance.RateLimitRule;
import io.mse.client.governance.RetryRule;
import java.time.Clock;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The guards in use, the stateful objects rules make (rate limiters, circuit breakers, bulkheads and
 * retry budgets), kept across rule changes by key (the rule's resource, or the request's resource for a
 * {@code *} rule), so that a rule reload does not reset them needlessly:
 * <ul>
 *   <li>an unchanged rule keeps its object (and state);
 *   <li>a rate limit whose period is unchanged keeps its limiter, its limit changed in place;
 *   <li>a changed circuit breaker rule makes a new breaker; if the old one was open, the new one
 *       starts open (a fresh wait), else closed with fresh statistics;
 *   <li>a bulkhead whose limit grows (or whose wait changes) keeps its semaphore, places added at
 *       once; one whose limit shrinks is replaced by a new one (calls in flight give their places
 *       back to the old one, so until they end up to old + new limits may run);
 *   <li>a retry budget with the same window keeps its counts.
 * </ul>
 * Calls in flight keep the object they started with and report to it. Objects asked for under a
 * rule snapshot older than the one in force (a call that read the snapshot just before a reload) do
 * not touch the kept ones: such a call gets the kept object when its rule is unchanged, else a
 * detached object of its own rule. Thread-safe (the lookups run once per resource and rule change,
 * under this object's lock).
 */
final class GuardRegistry {

  private final Ticker ticker;
  private final Clock clock;
  private final GovernanceEvents events;

  private final Map<String, Kept<RateLimitRule, FixedWindowRateLimiter>> limiters = new HashMap<>();
  private final Map<String, Kept<CircuitBreakerRule, Resilience4jBreaker>> breakers = new HashMap<>();
  private final Map<String, Kept<RetryRule, RetryBudget>> budgets = new HashMap<>();
  private final Map<String, Kept<BulkheadRule, Resilience4jBulkhead>> bulkheads = new HashMap<>();
  /** The version of the rule snapshot in force, as set by {@link #retain}. */
  private long version;

  private static final class Kept<R, T> {
    R rule;
    T object;

    Kept(R rule, T object) {
      this.rule = rule;
      this.object = object;
    }
  }

  GuardRegistry(Ticker ticker, GovernanceEvents events) {
    this.ticker = ticker;
    this.clock = new TickerClock(ticker);
    this.events = events;
  }

  synchronized FixedWindowRateLimiter limiter(String key, RateLimitRule rule, long snapshotVersion) {
    Kept<RateLimitRule, FixedWindowRateLimiter> kept = limiters.get(key);
    if (kept != null && kept.rule.equals(rule)) {
      return kept.object;
    }
    if (snapshotVersion != version) {
      return new FixedWindowRateLimiter(rule, ticker.read());   // a stale snapshot's: detached
    }
    if (kept != null && kept.rule.period().equals(rule.period())) {
      kept.object.changeLimitForPeriod(rule.limitForPeriod());
      kept.rule = rule;
      return kept.object;
    }
    FixedWindowRateLimiter limiter = new FixedWindowRateLimiter(rule, ticker.read());
    limiters.put(key, new Kept<>(rule, limiter));
    return limiter;
  }

  synchronized Resilience4jBreaker breaker(String key, CircuitBreakerRule rule, long snapshotVersion) {
    Kept<CircuitBreakerRule, Resilience4jBreaker> kept = breakers.get(key);
    if (kept != null && kept.rule.equals(rule)) {
      return kept.object;
    }
    if (snapshotVersion != version) {
      return new Resilience4jBreaker(key, rule, clock, events);   // a stale snapshot's: detached
    }
    Resilience4jBreaker breaker = new Resilience4jBreaker(key, rule, clock, events);
    if (kept != null && kept.object.isOpen()) {
      breaker.open();
    }
    breakers.put(key, new Kept<>(rule, breaker));
    return breaker;
  }

  synchronized Resilience4jBulkhead bulkhead(String key, BulkheadRule rule, long snapshotVersion) {
    Kept<BulkheadRule, Resilience4jBulkhead> kept = bulkheads.get(key);
    if (kept != null && kept.rule.equals(rule)) {
      return kept.object;
    }
    if (snapshotVersion != version) {
      return new Resilience4jBulkhead(key, rule);   // a stale snapshot's: detached
    }
    if (kept != null && kept.object.canChangeTo(rule)) {
      kept.object.change(rule);
      kept.rule = rule;
      return kept.object;
    }
    Resilience4jBulkhead bulkhead = new Resilience4jBulkhead(key, rule);
    bulkheads.put(key, new Kept<>(rule, bulkhead));
    return bulkhead;
  }

  synchronized RetryBudget budget(String key, RetryRule rule, long snapshotVersion) {
    Kept<RetryRule, RetryBudget> kept = budgets.get(key);
    if (kept != null && kept.rule.equals(rule)) {
      return kept.object;
    }
    if (snapshotVersion != version) {
      return new RetryBudget(rule);   // a stale snapshot's: detached
    }
    RetryBudget budget = kept == null ? new RetryBudget(rule) : kept.object.withRule(rule);
    budgets.put(key, new Kept<>(rule, budget));
    return budget;
  }

  /**
   * Returns the state of the breaker {@code rule} makes under {@code key}, without making one: the
   * kept breaker's state when it is of {@code rule}; else the state a breaker made now would start
   * in ({@link CircuitState#OPEN} after an open one of an older rule, else {@link CircuitState#CLOSED}).
   */
  synchronized CircuitState breakerState(String key, CircuitBreakerRule rule) {
    Kept<CircuitBreakerRule, Resilience4jBreaker> kept = breakers.get(key);
    if (kept == null) {
      return CircuitState.CLOSED;
    }
    if (kept.rule.equals(rule)) {
      return kept.object.state();
    }
    return kept.object.isOpen() ? CircuitState.OPEN : CircuitState.CLOSED;
  }

  /** Returns the state of every kept circuit breaker, by key, sorted. */
  synchronized Map<String, CircuitState> breakerStates() {
    Map<String, CircuitState> states = new TreeMap<>();
    breakers.forEach((key, kept) -> states.put(key, kept.object.state()));
    return Collections.unmodifiableMap(states);
  }

  /**
   * Marks {@code snapshotVersion} as the snapshot in force and forgets the objects whose rule (by rule
   * resource) is gone.
   */
  synchronized void retain(long snapshotVersion, Set<String> rateLimits, Set<String> breakerRules,
      Set<String> retryRules, Set<String> bulkheadRules) {
    version = snapshotVersion;
    limiters.values().removeIf(l -> !rateLimits.contains(l.rule.resource()));
    breakers.values().removeIf(l -> !breakerRules.contains(l.rule.resource()));
    budgets.values().removeIf(l -> !retryRules.contains(l.rule.resource()));
    bulkheads.values().removeIf(l -> !bulkheadRules.contains(l.rule.resource()));
  }
}
