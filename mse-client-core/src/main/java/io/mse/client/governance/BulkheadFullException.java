package io.mse.client.governance;

import io.mse.client.MseException;

/**
 * An attempt was refused because its resource's bulkhead was full: {@link BulkheadRule#maxConcurrentCalls()}
 * attempts were running and none finished within {@link BulkheadRule#maxWait()} (at once for
 * {@link Governance#callAsync}, which never waits). Nothing was sent. When the waiting thread was
 * interrupted, its cause is the {@link InterruptedException} (and it was not counted as a refusal).
 */
public class BulkheadFullException extends MseException {

  private static final long serialVersionUID = 1L;

  /** The refusing bulkhead's limit at the time. */
  private final int maxConcurrentCalls;

  /**
   * @param resource the resource whose bulkhead refused the attempt
   * @param maxConcurrentCalls the bulkhead's limit at the time
   */
  public BulkheadFullException(String resource, int maxConcurrentCalls) {
    super(resource, "bulkhead of '" + resource + "' is full: " + maxConcurrentCalls
        + " concurrent call(s) allowed; call not permitted");
    this.maxConcurrentCalls = maxConcurrentCalls;
  }

  /** Returns the limit of concurrent calls of the bulkhead that refused the attempt. */
  public int maxConcurrentCalls() {
    return maxConcurrentCalls;
  }
}
