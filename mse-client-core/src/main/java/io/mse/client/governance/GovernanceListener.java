package io.mse.client.governance;

import io.mse.client.naming.Instance;
import java.time.Duration;

/**
 * Observes governance decisions. Called synchronously on the thread where the event happens (a
 * caller's thread, or the notification thread for rule changes): keep it short and non-blocking.
 * A listener that throws is logged; the others still run. Every method does nothing by default.
 */
public interface GovernanceListener {

  /** A circuit breaker changed state. */
  default void onCircuitStateChange(String resource, CircuitState from, CircuitState to) {}

  /** An instance was ejected from load balancing for {@code ejectionTime}; {@code reason} says why. */
  default void onEjection(String service, Instance instance, Duration ejectionTime, String reason) {}

  /** An ejected instance's time is up; it takes traffic again. */
  default void onReadmission(String service, Instance instance) {}

  /** A call to {@code resource} was rejected by its rate limit. */
  default void onRateLimited(String resource) {}

  /** An attempt to {@code resource} was refused by its full bulkhead ({@link BulkheadFullException}). */
  default void onBulkheadFull(String resource) {}

  /**
   * A resource was called for the first time: its live counts exist from now on
   * ({@link Governance#stats()}). Called on the caller's thread, once per resource, during that
   * call's decision: a metrics binder registers the resource's meters here.
   */
  default void onResourceAdded(ResourceStats resource) {}

  /**
   * A service was called for the first time and is followed from now on (its instances read, its
   * changes subscribed to). Called on the caller's thread, once per service and group.
   */
  default void onServiceAdded(ServiceStats service) {}

  /** A new set of rules is in force; {@code source} names the document (or {@code local}) that changed. */
  default void onRulesApplied(String source, GovernanceRules effectiveRules) {}

  /**
   * A rule document (or the local rules) was rejected: it failed validation, or the merged rules
   * could not be applied to every service; the previous rules stay in force, entirely.
   */
  default void onRulesRejected(String source, String reason) {}
}
