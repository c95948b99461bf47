package io.mse.client.naming.internal;

import io.mse.client.naming.Instance;
import io.mse.client.naming.NoInstanceAvailableException;
import io.mse.client.naming.ServiceKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One version of a service's instance list, with everything the read path needs prepared once:
 * the sorted list, the healthy and unhealthy selections, and cumulative weights for an O(log n),
 * allocation-free weighted pick. Immutable and thread-safe.
 */
public final class ServiceState {

  private static final Comparator<Instance> ORDER = Comparator.comparing(Instance::ip)
      .thenComparingInt(Instance::port).thenComparing(Instance::clusterName);

  private final ServiceKey service;
  private final List<Instance> all;
  private final List<Instance> healthy;
  private final List<Instance> unhealthy;
  private final Instance[] selectable;
  private final double[] cumulativeWeights;
  private final boolean equalWeights;

  /** Prepares a state from an instance list in any order. */
  public ServiceState(ServiceKey service, List<Instance> instances) {
    this.service = service;
    List<Instance> sorted = new ArrayList<>(instances);
    sorted.sort(ORDER);
    this.all = List.copyOf(sorted);
    List<Instance> up = new ArrayList<>();
    List<Instance> down = new ArrayList<>();
    for (Instance instance : all) {
      if (instance.enabled() && instance.weight() > 0) {
        (instance.healthy() ? up : down).add(instance);
      }
    }
    this.healthy = List.copyOf(up);
    this.unhealthy = List.copyOf(down);
    this.selectable = up.toArray(new Instance[0]);
    this.cumulativeWeights = new double[selectable.length];
    double total = 0;
    boolean equal = true;
    for (int i = 0; i < selectable.length; i++) {
      total += selectable[i].weight();
      cumulativeWeights[i] = total;
      equal &= selectable[i].weight() == selectable[0].weight();
    }
    this.equalWeights = equal;
  }

  public ServiceKey service() {
    return service;
  }

  /** Every instance, sorted by ip, port and cluster; unmodifiable. */
  public List<Instance> all() {
    return all;
  }

  /** Enabled, positive-weight instances whose health equals {@code healthy}; unmodifiable. */
  public List<Instance> select(boolean wantHealthy) {
    return wantHealthy ? healthy : unhealthy;
  }

  /**
   * Picks one healthy, enabled instance with probability proportional to its weight.
   *
   * @throws NoInstanceAvailableException when there is none
   */
  public Instance selectOne() {
    int n = selectable.length;
    if (n == 0) {
      throw new NoInstanceAvailableException(service.toString(), "No healthy instance of '" + service + "' among "
          + all.size() + " instance(s)");
    }
    if (n == 1) {
      return selectable[0];
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (equalWeights) {
      return selectable[random.nextInt(n)];
    }
    double point = random.nextDouble() * cumulativeWeights[n - 1];
    int index = Arrays.binarySearch(cumulativeWeights, point);
    // An exact hit on a boundary belongs to the next instance; a miss gives -(insertion point) - 1.
    index = index >= 0 ? index + 1 : -index - 1;
    return selectable[Math.min(index, n - 1)];
  }
}
