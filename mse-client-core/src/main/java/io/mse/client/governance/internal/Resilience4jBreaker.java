package io.mse.client.governance.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.mse.client.governance.CircuitBreakerRule;
import io.mse.client.governance.CircuitState;
import io.mse.client.governance.SlidingWindowType;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The circuit breaker of one resource: a Resilience4j {@link CircuitBreaker} made from a
 * {@link CircuitBreakerRule}, timed by the client's ticker (through a {@link TickerClock}), with its
 * state changes reported to the {@link GovernanceEvents}. The only class of governance that uses
 * Resilience4j: replacing the library means replacing this file.
 *
 * <p>State changes are found by comparing the state after each call that can cause one (permit,
 * success, error, forced opening) with the last one seen, instead of subscribing to the breaker's
 * events: any subscriber makes Resilience4j allocate an event on every call. Under concurrency a
 * change undone before anyone looks may go unreported. Thread-safe.
 */
final class Resilience4jBreaker {

  private final String name;
  private final CircuitBreaker breaker;
  private final GovernanceEvents events;
  private final AtomicReference<CircuitBreaker.State> seen;

  /**
   * @param name the key the breaker is kept under: its rule's resource, or the request's resource
   *     for a {@code *} rule
   * @param clock the time of the open-state wait and of time-based windows
   */
  Resilience4jBreaker(String name, CircuitBreakerRule rule, Clock clock, GovernanceEvents events) {
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
    this.name = name;
    this.breaker = CircuitBreaker.of(name, config);
    this.events = events;
    this.seen = new AtomicReference<>(breaker.getState());
  }

  /** Takes a permit for a call; false when the circuit refuses it (open, or half-open with no probe left). */
  boolean tryAcquirePermission() {
    boolean permitted = breaker.tryAcquirePermission();
    reportChange();
    return permitted;
  }

  /** Records a successful call of {@code durationNanos} (slow when over the rule's threshold). */
  void onSuccess(long durationNanos) {
    breaker.onSuccess(durationNanos, TimeUnit.NANOSECONDS);
    reportChange();
  }

  /** Records a failed call of {@code durationNanos}. */
  void onError(long durationNanos, Throwable error) {
    breaker.onError(durationNanos, TimeUnit.NANOSECONDS, error);
    reportChange();
  }

  /** Gives back a permit whose call was never made. */
  void releasePermission() {
    breaker.releasePermission();
  }

  /** Returns the state now. */
  CircuitState state() {
    return toState(breaker.getState());
  }

  boolean isOpen() {
    return breaker.getState() == CircuitBreaker.State.OPEN;
  }

  /** Opens the circuit (a fresh wait), as a rule change does to a replaced breaker that was open. */
  void open() {
    breaker.transitionToOpenState();
    reportChange();
  }

  private void reportChange() {
    CircuitBreaker.State now = breaker.getState();
    CircuitBreaker.State before = seen.get();
    if (now != before && seen.compareAndSet(before, now)) {
      events.circuit(name, toState(before), toState(now));
    }
  }

  private static CircuitState toState(CircuitBreaker.State state) {
    return CircuitState.valueOf(state.name());
  }
}
