package io.mse.client.governance;

/**
 * What became of a governed call to a resource, as counted by {@link ResourceStats#count}. Three
 * groups, each a partition of what it counts:
 * <ul>
 *   <li>decisions, one per attempt governance decided on: {@link #ALLOWED}, {@link #RATE_LIMITED}
 *       (per call: retries take no permit), {@link #CIRCUIT_OPEN}, {@link #BULKHEAD_FULL},
 *       {@link #NO_INSTANCE};
 *   <li>outcomes of allowed attempts: {@link #SUCCEEDED}, {@link #FAILED}, {@link #TIMED_OUT}
 *       (an attempt released without a call has none);
 *   <li>retries: {@link #RETRIED}, {@link #RETRY_BUDGET_EXHAUSTED}.
 * </ul>
 */
public enum CallOutcome {
  /** An attempt was allowed: an instance chosen and every permit taken. */
  ALLOWED,
  /** A call was refused by its rate limit. */
  RATE_LIMITED,
  /** An attempt was refused by an open (or full half-open) circuit. */
  CIRCUIT_OPEN,
  /** An attempt was refused by a full bulkhead. */
  BULKHEAD_FULL,
  /** An attempt found no instance to go to. */
  NO_INSTANCE,
  /** An allowed attempt succeeded within its timeout. */
  SUCCEEDED,
  /** An allowed attempt failed, other than by its timeout. */
  FAILED,
  /** An allowed attempt exceeded its timeout (and was cancelled where the call allows). */
  TIMED_OUT,
  /** A retry was made. */
  RETRIED,
  /** A retry the rule allowed was not made because the retry budget was spent. */
  RETRY_BUDGET_EXHAUSTED
}
