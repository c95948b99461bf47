package io.mse.client.governance;

import io.mse.client.MseException;
import java.time.Duration;

/** An attempt took longer than its resource's timeout; it was recorded as a failure. */
public class CallTimeoutException extends MseException {

  private static final long serialVersionUID = 1L;

  /** The timeout the attempt exceeded. */
  private final Duration timeout;

  /**
   * @param resource the resource whose timeout was exceeded
   * @param timeout the timeout
   * @param elapsed how long the attempt took
   */
  public CallTimeoutException(String resource, Duration timeout, Duration elapsed) {
    super(resource, "call to '" + resource + "' took " + elapsed.toMillis() + " ms, over its timeout of "
        + timeout.toMillis() + " ms");
    this.timeout = timeout;
  }

  /** Returns the timeout that was exceeded. */
  public Duration timeout() {
    return timeout;
  }
}
