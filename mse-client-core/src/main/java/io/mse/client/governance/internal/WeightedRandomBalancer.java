package io.mse.client.governance.internal;

import io.mse.client.governance.GovernedRequest;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Weighted random: a uniform index when all weights are equal, else a binary search of prefix sums
 * prepared at construction. Thread-safe, allocation-free.
 */
final class WeightedRandomBalancer extends Balancer {

  private final double[] cumulative;
  private final boolean uniform;

  WeightedRandomBalancer(Endpoint[] endpoints) {
    super(endpoints);
    cumulative = new double[endpoints.length];
    double sum = 0;
    boolean equal = true;
    for (int i = 0; i < endpoints.length; i++) {
      sum += endpoints[i].weight;
      cumulative[i] = sum;
      equal &= endpoints[i].weight == endpoints[0].weight;
    }
    uniform = equal;
  }

  @Override
  Endpoint pick(GovernedRequest request, long now, long warmupNanos) {
    if (warmupNanos > 0) {
      return rampedRandom(endpoints, now, warmupNanos);
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (uniform) {
      return endpoints[endpoints.length == 1 ? 0 : random.nextInt(endpoints.length)];
    }
    double r = random.nextDouble() * cumulative[cumulative.length - 1];
    int i = Arrays.binarySearch(cumulative, r);
    i = i >= 0 ? i + 1 : -i - 1;
    return endpoints[Math.min(i, endpoints.length - 1)];
  }
}
