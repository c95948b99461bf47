package io.mse.client.governance;

/**
 * The live counts of one resource, for monitoring: each read sums striped counters, allocates
 * nothing and takes no lock. Kept for the life of the governance (across rule changes). Thread-safe.
 */
public interface ResourceStats {

  /** Returns the resource, as requests name it. */
  String resource();

  /** Returns how many times {@code outcome} happened to calls of this resource; cumulative. */
  long count(CallOutcome outcome);

  /** Returns the state of the resource's circuit breaker now; null when it has none. */
  CircuitState circuitState();
}
