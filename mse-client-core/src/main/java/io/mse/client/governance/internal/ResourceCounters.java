package io.mse.client.governance.internal;

import io.mse.client.governance.GovernanceCounters;
import java.util.concurrent.atomic.LongAdder;

/** The counts of one resource, kept across rule changes. Thread-safe (striped adders). */
final class ResourceCounters {

  final LongAdder calls = new LongAdder();
  final LongAdder successes = new LongAdder();
  final LongAdder failures = new LongAdder();
  final LongAdder timeouts = new LongAdder();
  final LongAdder rateLimited = new LongAdder();
  final LongAdder circuitOpen = new LongAdder();
  final LongAdder noInstance = new LongAdder();
  final LongAdder bulkheadFull = new LongAdder();
  final LongAdder retries = new LongAdder();
  final LongAdder retriesDenied = new LongAdder();

  GovernanceCounters snapshot() {
    return new GovernanceCounters(calls.sum(), successes.sum(), failures.sum(), timeouts.sum(), rateLimited.sum(),
        circuitOpen.sum(), noInstance.sum(), bulkheadFull.sum(), retries.sum(), retriesDenied.sum(), 0, 0);
  }

  static GovernanceCounters add(GovernanceCounters a, GovernanceCounters b) {
    return new GovernanceCounters(a.calls() + b.calls(), a.successes() + b.successes(), a.failures() + b.failures(),
        a.timeouts() + b.timeouts(), a.rateLimited() + b.rateLimited(), a.circuitOpen() + b.circuitOpen(),
        a.noInstance() + b.noInstance(), a.bulkheadFull() + b.bulkheadFull(), a.retries() + b.retries(), a.retriesDenied() + b.retriesDenied(),
        a.ejections() + b.ejections(), a.readmissions() + b.readmissions());
  }
}
