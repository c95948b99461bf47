package io.mse.client.governance.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A circuit breaker and the last state governance saw it in. State changes are found by comparing
 * after each call that can cause one (permit, success, error) instead of subscribing to the
 * breaker's events: any subscriber makes Resilience4j allocate an event on every call. Under
 * concurrency a change undone before anyone looks may go unreported. Thread-safe.
 */
final class BreakerWatch {

  final CircuitBreaker breaker;
  private final String name;
  private final Listeners listeners;
  private final AtomicReference<CircuitBreaker.State> seen;

  BreakerWatch(String name, CircuitBreaker breaker, Listeners listeners) {
    this.name = name;
    this.breaker = breaker;
    this.listeners = listeners;
    this.seen = new AtomicReference<>(breaker.getState());
  }

  /** Reports a state change since the last look, if any. */
  void check() {
    CircuitBreaker.State now = breaker.getState();
    CircuitBreaker.State before = seen.get();
    if (now != before && seen.compareAndSet(before, now)) {
      listeners.circuit(name, LiveObjects.state(before), LiveObjects.state(now));
    }
  }
}
