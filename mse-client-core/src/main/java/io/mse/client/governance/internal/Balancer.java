package io.mse.client.governance.internal;

import io.mse.client.governance.GovernedRequest;
import io.mse.client.governance.LoadBalancerRule;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks one endpoint of a fixed, non-empty array. Made once per change of a pool's endpoints or of
 * the load balancer rule, so that a pick does no allocation and takes no lock. Thread-safe.
 */
abstract class Balancer {

  final Endpoint[] endpoints;
  /** Whether outstanding requests must be counted for this balancer (a field: read on every decision). */
  final boolean tracksOutstanding;

  Balancer(Endpoint[] endpoints) {
    this(endpoints, false);
  }

  Balancer(Endpoint[] endpoints, boolean tracksOutstanding) {
    this.endpoints = endpoints;
    this.tracksOutstanding = tracksOutstanding;
  }

  /**
   * Picks an endpoint.
   *
   * @param now the ticker reading of this decision
   * @param warmupNanos the warm-up length when some endpoint may still be warming up, else 0
   */
  abstract Endpoint pick(GovernedRequest request, long now, long warmupNanos);

  /** Makes the balancer of {@code rule} (null: weighted random) over {@code endpoints}. */
  static Balancer of(LoadBalancerRule rule, Endpoint[] endpoints) {
    if (rule == null) {
      return new WeightedRandomBalancer(endpoints);
    }
    switch (rule.type()) {
      case ROUND_ROBIN:
        return new RoundRobinBalancer(endpoints);
      case LEAST_REQUESTS:
        return new LeastRequestsBalancer(endpoints);
      case CONSISTENT_HASH:
        return new ConsistentHashBalancer(endpoints, rule.hashKey());
      default:
        return new WeightedRandomBalancer(endpoints);
    }
  }

  /** Weighted random over the warm-up-ramped weights: two passes, no allocation. */
  static Endpoint rampedRandom(Endpoint[] endpoints, long now, long warmupNanos) {
    double total = 0;
    for (Endpoint e : endpoints) {
      total += e.weightAt(now, warmupNanos);
    }
    double r = ThreadLocalRandom.current().nextDouble() * total;
    for (Endpoint e : endpoints) {
      r -= e.weightAt(now, warmupNanos);
      if (r < 0) {
        return e;
      }
    }
    return endpoints[endpoints.length - 1];
  }
}
