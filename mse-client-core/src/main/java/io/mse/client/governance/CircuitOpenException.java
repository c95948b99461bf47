package io.mse.client.governance;

import io.mse.client.MseException;

/** A call was rejected because its resource's circuit breaker is open (or half-open and full). */
public class CircuitOpenException extends MseException {

  private static final long serialVersionUID = 1L;

  /** The state of the circuit that refused the attempt. */
  private final CircuitState state;

  /**
   * @param resource the resource whose circuit rejected the call
   * @param state the circuit's state at the time
   */
  public CircuitOpenException(String resource, CircuitState state) {
    super(resource, "circuit breaker of '" + resource + "' is " + state + "; call not permitted");
    this.state = state;
  }

  /** Returns the circuit's state when the call was rejected. */
  public CircuitState state() {
    return state;
  }
}
