package io.mse.client.governance;

/** The states of a circuit breaker, as in Resilience4j. */
public enum CircuitState {
  /** Calls pass; outcomes are recorded. */
  CLOSED,
  /** Calls are rejected until the wait in open state is over. */
  OPEN,
  /** A few probe calls pass; their outcome closes or reopens the circuit. */
  HALF_OPEN,
  /** Calls always pass, nothing is recorded. */
  DISABLED,
  /** Calls always pass, outcomes are recorded. */
  METRICS_ONLY,
  /** Calls are always rejected. */
  FORCED_OPEN
}
