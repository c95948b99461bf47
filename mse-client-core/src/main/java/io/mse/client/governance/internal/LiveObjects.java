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
 * Calls in flight keep the object they started with and report to it. Thread-safe (the lookups run
 * once per resource and rule change, under this object's lock).
 */
final class LiveObjects {

  private final Ticker ticker;
  private final Clock clock;
  private final Listeners listeners;
  private final DecisionTime nanoTime;

  private final Map<String, Live<RateLimitRule, RateLimiter>> limiters = new HashMap<>();
  private final Map<String, Live<CircuitBreakerRule, BreakerWatch>> breakers = new HashMap<>();
  private final Map<String, Live<RetryRule, RetryBudget>> budgets = new HashMap<>();

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

  synchronized RateLimiter limiter(String key, RateLimitRule rule) {
    Live<RateLimitRule, RateLimiter> live = limiters.get(key);
    if (live != null && live.rule.equals(rule)) {
      return live.object;
    }
    if (live != null && live.rule.period().equals(rule.period())) {
      live.object.changeLimitForPeriod(rule.limitForPeriod());
      live.rule = rule;
      return live.object;
    }
    RateLimiterConfig config = RateLimiterConfig.custom()
        .limitForPeriod(rule.limitForPeriod())
        .limitRefreshPeriod(rule.period())
        .timeoutDuration(Duration.ZERO)
        .writableStackTraceEnabled(false)
        .build();
    RateLimiter limiter = new AtomicRateLimiter(key, config, nanoTime);
    limiters.put(key, new Live<>(rule, limiter));
    return limiter;
  }

  synchronized BreakerWatch breaker(String key, CircuitBreakerRule rule) {
    Live<CircuitBreakerRule, BreakerWatch> live = breakers.get(key);
    if (live != null && live.rule.equals(rule)) {
      return live.object;
    }
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
    BreakerWatch watch = new BreakerWatch(key, CircuitBreaker.of(key, config), listeners);
    if (live != null && live.object.breaker.getState() == CircuitBreaker.State.OPEN) {
      watch.breaker.transitionToOpenState();
      watch.check();
    }
    breakers.put(key, new Live<>(rule, watch));
    return watch;
  }

  synchronized RetryBudget budget(String key, RetryRule rule) {
    Live<RetryRule, RetryBudget> live = budgets.get(key);
    if (live != null && live.rule.equals(rule)) {
      return live.object;
    }
    RetryBudget budget = live == null ? new RetryBudget(rule) : live.object.withRule(rule);
    budgets.put(key, new Live<>(rule, budget));
    return budget;
  }

  /** Forgets the objects whose rule (by rule resource) is gone. */
  synchronized void retain(Set<String> rateLimits, Set<String> breakerRules, Set<String> retryRules) {
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
