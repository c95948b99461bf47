package io.mse.client.naming.internal;

import io.mse.client.naming.Instance;
import io.mse.client.naming.NoInstanceAvailableException;
import io.mse.client.naming.ServiceKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One version of a service's instance list, with everything the read path needs prepared once:
 * the sorted list, the healthy and unhealthy selections, and an alias table (Walker/Vose) for an
 * O(1), allocation-free weighted pick from one random number. Immutable and thread-safe.
 */
final class ServiceState {

  private static final long FULL = 1L << 32;
  private static final Comparator<Instance> ORDER = Comparator.comparing(Instance::ip)
      .thenComparingInt(Instance::port).thenComparing(Instance::clusterName);

  private final ServiceKey service;
  /** The list as the engine reported it, for the duplicate check made before building a state. */
  private final List<Instance> reported;
  private final List<Instance> all;
  private final List<Instance> healthy;
  private final List<Instance> unhealthy;
  private final Instance[] selectable;
  /** Alias table: column i keeps instance i when the coin is below threshold[i], else alias[i]. */
  private final long[] thresholds;
  private final int[] aliases;

  /** Prepares a state from an instance list in any order. */
  ServiceState(ServiceKey service, List<Instance> instances) {
    this.service = service;
    this.reported = instances;
    List<Instance> sorted = new ArrayList<>(instances);
    sorted.sort(ORDER);
    this.all = List.copyOf(sorted);
    List<Instance> up = new ArrayList<>();
    List<Instance> down = new ArrayList<>();
    for (Instance instance : all) {
      if (instance.enabled() && instance.weight() > 0 && !instance.isConsumerRegistration()) {
        (instance.healthy() ? up : down).add(instance);
      }
    }
    this.healthy = List.copyOf(up);
    this.unhealthy = List.copyOf(down);
    this.selectable = up.toArray(new Instance[0]);
    this.thresholds = new long[selectable.length];
    this.aliases = new int[selectable.length];
    buildAliasTable(selectable, thresholds, aliases);
  }

  /**
   * Returns true when {@code instances} is the list this state was made from, or its sorted form:
   * a repeat, which needs no new state. Cheap (no sorting, no table).
   */
  boolean madeFrom(List<Instance> instances) {
    return instances == reported || instances.equals(reported) || instances.equals(all);
  }

  /**
   * Vose's alias method: scales weights to a mean of 1, then pairs each under-full column with an
   * over-full one that tops it up. Thresholds are probabilities scaled to 2^32.
   */
  private static void buildAliasTable(Instance[] selectable, long[] thresholds, int[] aliases) {
    int n = selectable.length;
    if (n == 0) {
      return;
    }
    double total = 0;
    for (Instance instance : selectable) {
      total += instance.weight();
    }
    double[] scaled = new double[n];
    int[] small = new int[n];
    int[] large = new int[n];
    int smallCount = 0;
    int largeCount = 0;
    for (int i = 0; i < n; i++) {
      scaled[i] = selectable[i].weight() * n / total;
      if (scaled[i] < 1.0) {
        small[smallCount++] = i;
      } else {
        large[largeCount++] = i;
      }
    }
    while (smallCount > 0 && largeCount > 0) {
      int under = small[--smallCount];
      int over = large[--largeCount];
      thresholds[under] = (long) (scaled[under] * FULL);
      aliases[under] = over;
      scaled[over] = scaled[over] + scaled[under] - 1.0;
      if (scaled[over] < 1.0) {
        small[smallCount++] = over;
      } else {
        large[largeCount++] = over;
      }
    }
    // What is left is full up to rounding: always keep it.
    while (largeCount > 0) {
      int i = large[--largeCount];
      thresholds[i] = FULL;
      aliases[i] = i;
    }
    while (smallCount > 0) {
      int i = small[--smallCount];
      thresholds[i] = FULL;
      aliases[i] = i;
    }
  }

  ServiceKey service() {
    return service;
  }

  /** Every instance, sorted by ip, port and cluster; unmodifiable. */
  List<Instance> all() {
    return all;
  }

  /** Enabled, positive-weight instances with a port whose health equals {@code healthy}; unmodifiable. */
  List<Instance> select(boolean wantHealthy) {
    return wantHealthy ? healthy : unhealthy;
  }

  /**
   * Picks one healthy, enabled instance with probability proportional to its weight.
   *
   * @throws NoInstanceAvailableException when there is none
   */
  Instance selectOne() {
    int n = selectable.length;
    if (n == 0) {
      throw new NoInstanceAvailableException(service.toString(), "No healthy instance of '" + service + "' among "
          + all.size() + " instance(s)");
    }
    if (n == 1) {
      return selectable[0];
    }
    // One 64-bit random number: the high half picks a column (multiply-shift, no division), the low
    // half is the coin that keeps the column's own instance or its alias.
    long random = ThreadLocalRandom.current().nextLong();
    int column = (int) (((random >>> 32) * n) >>> 32);
    long coin = random & 0xFFFF_FFFFL;
    return coin < thresholds[column] ? selectable[column] : selectable[aliases[column]];
  }
}
