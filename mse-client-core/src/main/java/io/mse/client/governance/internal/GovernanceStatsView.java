package io.mse.client.governance.internal;

import io.mse.client.governance.GovernanceStats;
import io.mse.client.governance.ResourceStats;
import io.mse.client.governance.ServiceStats;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@link GovernanceStats} of a {@link DefaultGovernance}: views of its resource counters and
 * followed services, and the switch and sums of decision sampling. A decision reads {@link #observed}
 * once (a volatile read); while it is off nothing more is done. Thread-safe.
 */
final class GovernanceStatsView implements GovernanceStats {

  private static final int SAMPLE_MASK = DECISION_SAMPLE_RATE - 1;

  private final Map<String, ResourceCounters> counters;
  private final FollowedServices services;
  /** Whether subset choices are counted and decisions sampled; read once per decision. */
  volatile boolean observed;
  private final LongAdder timedDecisions = new LongAdder();
  private final LongAdder timedNanos = new LongAdder();

  GovernanceStatsView(Map<String, ResourceCounters> counters, FollowedServices services) {
    this.counters = counters;
    this.services = services;
  }

  /** Returns whether a decision starting now is one of those timed (about 1 in {@value #DECISION_SAMPLE_RATE}). */
  static boolean sample() {
    return (ThreadLocalRandom.current().nextInt() & SAMPLE_MASK) == 0;
  }

  /** Records one timed decision. */
  void timed(long nanos) {
    timedDecisions.increment();
    timedNanos.add(Math.max(0, nanos));
  }

  @Override
  public Collection<ResourceStats> resources() {
    return List.copyOf(counters.values());
  }

  @Override
  public Collection<ServiceStats> services() {
    return new ArrayList<>(services.all());
  }

  @Override
  public void observe() {
    observed = true;
  }

  @Override
  public boolean observed() {
    return observed;
  }

  @Override
  public long timedDecisions() {
    return timedDecisions.sum();
  }

  @Override
  public long timedDecisionNanos() {
    return timedNanos.sum();
  }

  /** Returns every resource's counts and every followed service's ejections and subsets, in one line. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("GovernanceStats{resources=").append(resources()).append(", services=[");
    String separator = "";
    for (ServiceStats service : services()) {
      out.append(separator).append(service.group()).append("@@").append(service.service()).append("{ejected=")
          .append(service.ejectedInstances()).append(", subsets=").append(service.subsets()).append('}');
      separator = ", ";
    }
    return out.append("]}").toString();
  }
}
