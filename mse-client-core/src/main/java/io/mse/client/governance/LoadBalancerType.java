package io.mse.client.governance;

/** The load-balancing algorithms; all but {@link #CONSISTENT_HASH} honour instance weights. */
public enum LoadBalancerType {
  /** Weighted random (the default): O(log n) over prefix sums prepared on change. */
  RANDOM,
  /** Smooth weighted round robin (nginx): the sequence is prepared on change and walked lock-free. */
  ROUND_ROBIN,
  /** Least outstanding requests relative to weight; exact for up to 4 instances, two random choices above. */
  LEAST_REQUESTS,
  /** Consistent hash of a request key on a ring of 128 virtual nodes per instance (weights ignored). */
  CONSISTENT_HASH
}
