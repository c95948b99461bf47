package io.mse.client.governance.okhttp;

import io.mse.client.MseException;
import java.io.IOException;

/**
 * An OkHttp call was refused by governance (rate limited, circuit open, no instance available).
 * OkHttp callers handle {@link IOException}s, so the refusal comes wrapped; {@link #rejection()}
 * (also the cause) tells which it was and names the resource. Immutable.
 */
public final class GovernanceRejectedIOException extends IOException {

  private static final long serialVersionUID = 1L;

  /** @param rejection the refusal; not null */
  public GovernanceRejectedIOException(MseException rejection) {
    super(rejection.getMessage(), rejection);
  }

  /** Returns the refusal: a {@code RateLimitedException}, {@code CircuitOpenException} or {@code NoInstanceAvailableException}. */
  public MseException rejection() {
    return (MseException) getCause();
  }
}
