package io.mse.client.governance.internal;

import io.mse.client.governance.GovernedRequest;
import java.math.BigInteger;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Smooth weighted round robin (the nginx algorithm). The algorithm's sequence is periodic, with a
 * period of the sum of the (integer, gcd-reduced) weights, so it is computed once at construction
 * and then walked with one atomic counter: exact, lock-free, allocation-free. Weights are made
 * integers by scaling fractional ones by 100; a period over {@value #MAX_PERIOD} is scaled down
 * proportionally. During warm-up picks fall back to weighted random over the ramped weights.
 * Thread-safe.
 */
final class RoundRobinBalancer extends Balancer {

  static final int MAX_PERIOD = 4096;

  private final int[] sequence;
  private final AtomicInteger position = new AtomicInteger();

  RoundRobinBalancer(Endpoint[] endpoints) {
    super(endpoints);
    this.sequence = sequence(integerWeights(endpoints));
  }

  @Override
  Endpoint pick(GovernedRequest request, long now, long warmupNanos) {
    if (warmupNanos > 0) {
      return rampedRandom(endpoints, now, warmupNanos);
    }
    int p = position.getAndIncrement() & Integer.MAX_VALUE;
    return endpoints[sequence[p % sequence.length]];
  }

  /** Returns the SWRR sequence of endpoint indexes for integer weights, one period long. */
  static int[] sequence(long[] weights) {
    long total = 0;
    for (long w : weights) {
      total += w;
    }
    int[] seq = new int[(int) total];
    long[] current = new long[weights.length];
    for (int step = 0; step < seq.length; step++) {
      int best = 0;
      for (int i = 0; i < weights.length; i++) {
        current[i] += weights[i];
        if (current[i] > current[best]) {
          best = i;
        }
      }
      current[best] -= total;
      seq[step] = best;
    }
    return seq;
  }

  static long[] integerWeights(Endpoint[] endpoints) {
    boolean integral = true;
    for (Endpoint e : endpoints) {
      integral &= e.weight == Math.rint(e.weight);
    }
    long[] w = new long[endpoints.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = Math.max(1, Math.round(integral ? endpoints[i].weight : endpoints[i].weight * 100));
    }
    long gcd = w[0];
    long total = 0;
    for (long x : w) {
      gcd = BigInteger.valueOf(gcd).gcd(BigInteger.valueOf(x)).longValue();
    }
    for (int i = 0; i < w.length; i++) {
      w[i] /= gcd;
      total += w[i];
    }
    if (total > MAX_PERIOD) {
      double scale = (double) MAX_PERIOD / total;
      for (int i = 0; i < w.length; i++) {
        w[i] = Math.max(1, Math.round(w[i] * scale));
      }
    }
    return w;
  }
}
