package io.mse.client.governance.internal;

import io.mse.client.governance.CallOutcome;
import io.mse.client.governance.CircuitState;
import io.mse.client.governance.GovernanceCounters;
import io.mse.client.governance.ResourceStats;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counts of one resource, kept across rule changes, and the breaker its last resolved policy
 * uses (for its state). Thread-safe (striped adders; reads allocate nothing).
 */
final class ResourceCounters implements ResourceStats {

  private final String resource;
  final LongAdder calls = new LongAdder();
  final LongAdder successes = new LongAdder();
  /** Failures other than timeouts. */
  final LongAdder errors = new LongAdder();
  final LongAdder timeouts = new LongAdder();
  final LongAdder rateLimited = new LongAdder();
  final LongAdder circuitOpen = new LongAdder();
  final LongAdder noInstance = new LongAdder();
  final LongAdder bulkheadFull = new LongAdder();
  final LongAdder retries = new LongAdder();
  final LongAdder retriesDenied = new LongAdder();
  /** The breaker of the policy resolved last for this resource; null when it has none. */
  volatile Resilience4jBreaker breaker;

  ResourceCounters(String resource) {
    this.resource = resource;
  }

  @Override
  public String resource() {
    return resource;
  }

  @Override
  public long count(CallOutcome outcome) {
    return switch (outcome) {
      case ALLOWED -> calls.sum();
      case RATE_LIMITED -> rateLimited.sum();
      case CIRCUIT_OPEN -> circuitOpen.sum();
      case BULKHEAD_FULL -> bulkheadFull.sum();
      case NO_INSTANCE -> noInstance.sum();
      case SUCCEEDED -> successes.sum();
      case FAILED -> errors.sum();
      case TIMED_OUT -> timeouts.sum();
      case RETRIED -> retries.sum();
      case RETRY_BUDGET_EXHAUSTED -> retriesDenied.sum();
    };
  }

  @Override
  public CircuitState circuitState() {
    Resilience4jBreaker b = breaker;
    return b == null ? null : b.state();
  }

  GovernanceCounters snapshot() {
    long timedOut = timeouts.sum();
    return new GovernanceCounters(calls.sum(), successes.sum(), errors.sum() + timedOut, timedOut, rateLimited.sum(),
        circuitOpen.sum(), noInstance.sum(), bulkheadFull.sum(), retries.sum(), retriesDenied.sum(), 0, 0);
  }

  static GovernanceCounters add(GovernanceCounters a, GovernanceCounters b) {
    return new GovernanceCounters(a.calls() + b.calls(), a.successes() + b.successes(), a.failures() + b.failures(),
        a.timeouts() + b.timeouts(), a.rateLimited() + b.rateLimited(), a.circuitOpen() + b.circuitOpen(),
        a.noInstance() + b.noInstance(), a.bulkheadFull() + b.bulkheadFull(), a.retries() + b.retries(),
        a.retriesDenied() + b.retriesDenied(), a.ejections() + b.ejections(), a.readmissions() + b.readmissions());
  }

  /** Returns the resource and its outcomes that are not 0, e.g. {@code inventory{ALLOWED=12, SUCCEEDED=11, FAILED=1}}. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(resource()).append('{');
    String separator = "";
    for (CallOutcome outcome : CallOutcome.values()) {
      long value = count(outcome);
      if (value != 0) {
        out.append(separator).append(outcome.name()).append('=').append(value);
        separator = ", ";
      }
    }
    CircuitState state = circuitState();
    if (state != null) {
      out.append(separator).append("circuit=").append(state);
    }
    return out.append('}').toString();
  }
}
