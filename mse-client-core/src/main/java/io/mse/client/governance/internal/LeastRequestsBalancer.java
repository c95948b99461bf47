package io.mse.client.governance.internal;

import io.mse.client.governance.GovernedRequest;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Least outstanding requests relative to weight: the endpoint with the lowest
 * {@code (outstanding + 1) / weight}. Exact (all endpoints compared, from a random start so that
 * ties spread) for up to {@value #FULL_SCAN} endpoints; above that, the better of two distinct
 * random choices. Warm-up ramps the weights compared. Thread-safe, allocation-free.
 */
final class LeastRequestsBalancer extends Balancer {

  static final int FULL_SCAN = 4;

  LeastRequestsBalancer(Endpoint[] endpoints) {
    super(endpoints, true);
  }

  @Override
  Endpoint pick(GovernedRequest request, long now, long warmupNanos) {
    int n = endpoints.length;
    if (n == 1) {
      return endpoints[0];
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (n <= FULL_SCAN) {
      int start = random.nextInt(n);
      Endpoint best = endpoints[start];
      for (int k = 1; k < n; k++) {
        Endpoint e = endpoints[(start + k) % n];
        if (better(e, best, now, warmupNanos)) {
          best = e;
        }
      }
      return best;
    }
    int a = random.nextInt(n);
    int b = random.nextInt(n - 1);
    if (b >= a) {
      b++;
    }
    return better(endpoints[b], endpoints[a], now, warmupNanos) ? endpoints[b] : endpoints[a];
  }

  private static boolean better(Endpoint x, Endpoint y, long now, long warmupNanos) {
    double wx = x.weightAt(now, warmupNanos);
    double wy = y.weightAt(now, warmupNanos);
    return (x.outstanding.get() + 1) * wy < (y.outstanding.get() + 1) * wx;
  }
}
