package io.mse.client.governance;

import io.mse.client.MseException;

/** A call was rejected because its resource's rate limit had no permit left in this period. */
public class RateLimitedException extends MseException {

  private static final long serialVersionUID = 1L;

  /** @param resource the rate-limited resource */
  public RateLimitedException(String resource) {
    super(resource, "rate limit of '" + resource + "' reached");
  }
}
