package io.mse.client.governance;

/**
 * Counts of governance decisions since the governance was created, for one resource or for all.
 * Immutable and thread-safe (a snapshot; counts keep moving while it is taken).
 *
 * @param calls attempts permitted (one per decision that chose an instance)
 * @param successes attempts reported successful
 * @param failures attempts reported failed, timeouts included
 * @param timeouts attempts that exceeded their timeout
 * @param rateLimited calls rejected by a rate limit
 * @param circuitOpen attempts rejected by an open circuit
 * @param noInstance attempts with no instance to go to
 * @param bulkheadFull attempts refused by a full bulkhead
 * @param retries retries made
 * @param retriesDenied retries not made because the retry budget was spent
 * @param ejections instances ejected (services, not resources: 0 in a per-resource view)
 * @param readmissions ejected instances readmitted (services: 0 in a per-resource view)
 */
public record GovernanceCounters(long calls, long successes, long failures, long timeouts, long rateLimited,
    long circuitOpen, long noInstance, long bulkheadFull, long retries, long retriesDenied, long ejections, long readmissions) {

  /** Returns all rejections: rate limited, circuit open, bulkhead full and no instance. */
  public long rejections() {
    return rateLimited + circuitOpen + bulkheadFull + noInstance;
  }
}
