package io.mse.client.governance;

import java.util.Collection;

/**
 * Live statistics of a governance, for monitoring and metrics binders ({@link Governance#stats()}):
 * per resource ({@link ResourceStats}), per followed service ({@link ServiceStats}), and the time of
 * sampled decisions. Reading the live objects allocates nothing and takes no lock; the collections
 * are snapshot copies. New resources and services are announced to {@link GovernanceListener}s
 * ({@link GovernanceListener#onResourceAdded}, {@link GovernanceListener#onServiceAdded}) when they
 * are first called. Thread-safe.
 */
public interface GovernanceStats {

  /** One decision in {@value} is timed once {@link #observe()} was called. */
  int DECISION_SAMPLE_RATE = 64;

  /** Returns the resources called so far; a snapshot copy of live objects. */
  Collection<ResourceStats> resources();

  /** Returns the services followed so far; a snapshot copy of live objects. */
  Collection<ServiceStats> services();

  /**
   * Turns on what only monitoring needs, at a small cost per decision: the count of route subset
   * choices ({@link ServiceStats#choices}), and the timing of one decision in
   * {@value #DECISION_SAMPLE_RATE} (chosen at random), from the decision's start (its rate-limit
   * permit) to its end (an instance chosen and every permit taken), by the client's ticker, less
   * the waits a decision may make (for a bulkhead place, for a service's first registry read). Without
   * it, neither is counted and decisions cost what they did. Idempotent; it cannot be turned off.
   */
  void observe();

  /** Returns whether {@link #observe()} was called. */
  boolean observed();

  /** Returns how many allowed decisions were timed (about 1 in {@value #DECISION_SAMPLE_RATE} while observed). */
  long timedDecisions();

  /** Returns the total time of the timed decisions, in nanoseconds of the client's ticker. */
  long timedDecisionNanos();
}
