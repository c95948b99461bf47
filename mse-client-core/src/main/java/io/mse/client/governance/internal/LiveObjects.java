package io.mse.client.governance.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.mse.client.Ticker;
import io.mse.client.governance.CircuitBreakerRule;
import io.mse.client.governance.CircuitState;
import io.mse.client.governance.RateLimitRule;
import io.mse.client.governance.RetryRule;
import io.mse.client.governance.SlidingWindowType;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The live rate limiters, circuit breakers and retry budgets, kept across rule changes by key (the
 * rule's resource, or the request's resource for a {@code *} rule), so that a rule reload does not
 * reset them needlessly:
 * <ul>
 *   <li>an unchanged rule keeps its object (and state);
 *   <li>a rate limit whose period is unchanged keeps its limiter, its limit changed in place;
 *   <li>a changed circuit breaker rule makes a new breaker; if the old one was open, the new one
 *       starts open (a fresh wait), else closed with fresh statistics;
 *   <li>a retry budget with the same window keeps its counts.
 * </ul>
 * Calls in flight keep the object they started with and report to it. Objects asked for under a
 * rule snapshot older than the one in force (a call that read the snapshot just before a reload) do
 * not touch the kept ones: such a call gets the kept object when its rule is unchanged, else a
 * detached object of its own rule. Thread-safe (the lookups run once per resource and rule change,
 * under this object's lock).
 */
final class LiveObjects {

  private final Ticker ticker;
  private final Clock clock;
  private final Listeners listeners;
  private final DecisionTime nanoTime;

  private final Map<String, Live<RateLimitRule, RateLimiter>> limiters = new HashMap<>();
  private final Map<String, Live<CircuitBreakerRule, BreakerWatch>> breakers = new HashMap<>();
  private final Map<String, Live<RetryRule, RetryBudget>> budgets = new HashMap<>();
  /** The version of the rule snapshot in force, as set by {@link #retain}. */
  private long version;

  private static final class Live<R, T> {
    R rule;
    T object;

    Live(R rule, T object) {
      this.rule = rule;
      this.object = object;
    }
  }

  LiveObjects(Ticker ticker, Listeners listeners) {
    this.ticker = ticker;
    this.clock = new TickerClock(ticker);
    this.listeners = listeners;
    this.nanoTime = new DecisionTime(ticker);
  }

  synchronized RateLimiter limiter(String key, RateLimitRule rule, long snapshotVersion) {
    Live<RateLimitRule, RateLimiter> live = limiters.get(key);
    if (live != null && live.rule.equals(rule)) {
      return live.object;
    }
    if (snapshotVersion != version) {
      return newLimiter(key, rule);   // a stale snapshot's: detached
    }
    if (live != null && live.rule.period().equals(rule.period())) {
      live.object.changeLimitForPeriod(rule.limitForPeriod());
      live.rule = rule;
      return live.object;
    }
    RateLimiter limiter = newLimiter(key, rule);
    limiters.put(key, new Live<>(rule, limiter));
    return limiter;
  }

  private RateLimiter newLimiter(String key, RateLimitRule rule) {
    RateLimiterConfig config = RateLimiterConfig.custom()
        .limitForPeriod(rule.limitForPeriod())
        .limitRefreshPeriod(rule.period())
        .timeoutDuration(Duration.ZERO)
        .writableStackTraceEnabled(false)
        .build();
    return new AtomicRateLimiter(key, config, nanoTime);
  }

  synchronized BreakerWatch breaker(String key, CircuitBreakerRule rule, long snapshotVersion) {
    Live<CircuitBreakerRule, BreakerWatch> live = breakers.get(key);
    if (live != null && live.rule.equals(rule)) {
      return live.object;
    }
    if (snapshotVersion != version) {
      return newBreaker(key, rule);   // a stale snapshot's: detached
    }
    BreakerWatch watch = newBreaker(key, rule);
    if (live != null && live.object.breaker.getState() == CircuitBreaker.State.OPEN) {
      watch.breaker.transitionToOpenState();
      watch.check();
    }
    breakers.put(key, new Live<>(rule, watch));
    return watch;
  }

  private BreakerWatch newBreaker(String key, CircuitBreakerRule rule) {
    CircuitBreakerConfig config = CircuitBreakerConfig.custom()
        .failureRateThreshold((float) rule.failureRateThreshold())
        .slowCallRateThreshold((float) rule.slowCallRateThreshold())
        .slowCallDurationThreshold(rule.slowCallDurationThreshold())
        .slidingWindow(rule.slidingWindowSize(), rule.minimumNumberOfCalls(),
            rule.slidingWindowType() == SlidingWindowType.TIME_BASED
                ? CircuitBreakerConfig.SlidingWindowType.TIME_BASED : CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .waitDurationInOpenState(rule.waitDurationInOpenState())
        .permittedNumberOfCallsInHalfOpenState(rule.permittedNumberOfCallsInHalfOpenState())
        .automaticTransitionFromOpenToHalfOpenEnabled(false)
        .writableStackTraceEnabled(false)
        .clock(clock)
        .build();
    return new BreakerWatch(key, CircuitBreaker.of(key, config), listeners);
  }

  synchronized RetryBudget budget(String key, RetryRule rule, long snapshotVersion) {
    Live<RetryRule, RetryBudget> live = budgets.get(key);
    if (live != null && live.rule.equals(rule)) {
      return live.object;
    }
    if (snapshotVersion != version) {
      return new RetryBudget(rule);   // a stale snapshot's: detached
    }
    RetryBudget budget = live == null ? new RetryBudget(rule) : live.object.withRule(rule);
    budgets.put(key, new Live<>(rule, budget));
    return budget;
  }

  /**
   * Marks {@code snapshotVersion} as the snapshot in force and forgets the objects whose rule (by rule
   * resource) is gone.
   */
  synchronized void retain(long snapshotVersion, Set<String> rateLimits, Set<String> breakerRules,
      Set<String> retryRules) {
    version = snapshotVersion;
    limiters.values().removeIf(l -> !rateLimits.contains(l.rule.resource()));
    breakers.values().removeIf(l -> !breakerRules.contains(l.rule.resource()));
    budgets.values().removeIf(l -> !retryRules.contains(l.rule.resource()));
  }

  long now() {
    return ticker.read();
  }

  static CircuitState state(CircuitBreaker.State state) {
    return CircuitState.valueOf(state.name());
  }
}
