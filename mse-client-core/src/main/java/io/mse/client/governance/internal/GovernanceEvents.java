package io.mse.client.governance.internal;

import io.mse.client.governance.CircuitState;
import io.mse.client.governance.GovernanceListener;
import io.mse.client.governance.GovernanceRules;
import io.mse.client.governance.ResourceStats;
import io.mse.client.governance.ServiceStats;
import io.mse.client.naming.Instance;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where governance's events go: each state change (circuit, ejection, readmission, rules applied or
 * rejected, a call rate-limited or refused by a full bulkhead) is logged, counted when it is a service-level count, and passed to
 * the registered {@link GovernanceListener}s. A listener that throws is logged and the others still
 * run. Thread-safe.
 */
final class GovernanceEvents {

  private static final Logger LOG = LoggerFactory.getLogger(GovernanceEvents.class);

  private final CopyOnWriteArrayList<GovernanceListener> listeners = new CopyOnWriteArrayList<>();
  final LongAdder ejections = new LongAdder();
  final LongAdder readmissions = new LongAdder();

  void add(GovernanceListener listener) {
    listeners.addIfAbsent(listener);
  }

  void remove(GovernanceListener listener) {
    listeners.remove(listener);
  }

  void circuit(String resource, CircuitState from, CircuitState to) {
    LOG.info("Circuit breaker of '{}' went from {} to {}", resource, from, to);
    fire(l -> l.onCircuitStateChange(resource, from, to));
  }

  void ejection(String service, Instance instance, Duration time, String reason) {
    ejections.increment();
    LOG.info("Ejected {} of '{}' for {} ms: {}", instance.address(), service, time.toMillis(), reason);
    fire(l -> l.onEjection(service, instance, time, reason));
  }

  void readmission(String service, Instance instance) {
    readmissions.increment();
    LOG.info("Readmitted {} of '{}'", instance.address(), service);
    fire(l -> l.onReadmission(service, instance));
  }

  void rateLimited(String resource) {
    if (listeners.isEmpty()) {
      return;
    }
    fire(l -> l.onRateLimited(resource));
  }

  void bulkheadFull(String resource) {
    if (listeners.isEmpty()) {
      return;
    }
    fire(l -> l.onBulkheadFull(resource));
  }

  void resourceAdded(ResourceStats resource) {
    fire(l -> l.onResourceAdded(resource));
  }

  void serviceAdded(ServiceStats service) {
    fire(l -> l.onServiceAdded(service));
  }

  void rulesApplied(String source, GovernanceRules rules) {
    fire(l -> l.onRulesApplied(source, rules));
  }

  void rulesRejected(String source, String reason) {
    fire(l -> l.onRulesRejected(source, reason));
  }

  private void fire(Consumer<GovernanceListener> event) {
    for (GovernanceListener listener : listeners) {
      try {
        event.accept(listener);
      } catch (RuntimeException e) {
        LOG.warn("A governance listener threw; the other listeners still run", e);
      }
    }
  }
}
