package io.mse.client.governance.internal;

import io.mse.client.naming.Instance;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One instance of a service as governance tracks it: outstanding requests, outlier statistics,
 * ejection and the time it was first seen. Lives as long as the instance is listed (kept across
 * instance-list and rule changes, so in-flight calls and counts are not lost). The counters are
 * atomic; the ejection fields are guarded by the owning {@link ServiceRuntime}. Thread-safe.
 */
final class Endpoint {

  static final long WARM = Long.MIN_VALUE;
  private static final int[] NO_CANDIDATES = new int[0];

  volatile Instance instance;
  /** The instance weight as a double, copied for the balancers. */
  volatile double weight;
  final long firstSeenNanos;

  final AtomicInteger outstanding = new AtomicInteger();
  final AtomicInteger consecutiveErrors = new AtomicInteger();
  /** Calls (channel 0) and errors (channel 1) over the outlier window; null when no error-rate rule. */
  volatile WindowCounter window;

  // guarded by the ServiceRuntime
  boolean ejected;
  long ejectedUntilNanos;
  long ejectedAtNanos;
  long readmittedAtNanos = Long.MIN_VALUE;
  int ejections;
  /**
   * The positions of this instance in a candidate runtime's list (several when it is listed more
   * than once); empty in a runtime that follows the registry. Guarded by the runtime; read when
   * tables are rebuilt.
   */
  int[] candidates = NO_CANDIDATES;

  Endpoint(Instance instance, long firstSeenNanos) {
    this.instance = instance;
    this.weight = instance.weight();
    this.firstSeenNanos = firstSeenNanos;
  }

  /** Returns the identity of an instance: ip, port and cluster. */
  static String key(Instance instance) {
    return instance.ip() + ":" + instance.port() + "#" + instance.clusterName();
  }

  /** Returns the weight at {@code now}, ramped linearly over {@code warmupNanos} from 1%. */
  double weightAt(long now, long warmupNanos) {
    if (warmupNanos <= 0 || firstSeenNanos == WARM) {
      return weight;
    }
    long age = now - firstSeenNanos;
    if (age >= warmupNanos) {
      return weight;
    }
    double factor = Math.max(0.01, (double) Math.max(0, age) / warmupNanos);
    return weight * factor;
  }

  @Override
  public String toString() {
    return instance.address();
  }
}
