package io.mse.client.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.mse.client.governance.CallOutcome;
import io.mse.client.governance.CircuitState;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernanceListener;
import io.mse.client.governance.GovernanceRules;
import io.mse.client.governance.GovernanceStats;
import io.mse.client.governance.ResourceStats;
import io.mse.client.governance.ServiceStats;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Binds the meters of a {@link Governance} (the {@code mse.governance.*} rows of
 * {@code docs/metrics.md}): calls by outcome per resource, circuit-breaker state per resource,
 * ejected instances and route subset choices per service, and the sampled decision time.
 *
 * <p>Binding turns on the governance's observation ({@link GovernanceStats#observe()}: subset choices
 * counted, one decision in {@value GovernanceStats#DECISION_SAMPLE_RATE} timed) and adds a listener
 * that registers the meters of each resource and service when it is first called, on the caller's
 * thread, once; every later decision only increments the governance's own striped counters, which
 * the meters read when the registry is scraped. Meters of a resource or service stay registered for
 * the life of the registry. Thread-safe; binding to several registries is allowed.
 */
public final class GovernanceMetrics implements MeterBinder {

  private final Governance governance;
  private final Tags tags;

  /**
   * @param governance the governance to observe
   * @param tags added to every meter, for example {@code namespace} and {@code server}
   */
  public GovernanceMetrics(Governance governance, Iterable<Tag> tags) {
    this.governance = Objects.requireNonNull(governance, "governance");
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    GovernanceStats stats = governance.stats();
    stats.observe();
    FunctionTimer.builder("mse.governance.decision.duration", stats, GovernanceStats::timedDecisions,
            GovernanceStats::timedDecisionNanos, TimeUnit.NANOSECONDS)
        .description("Governed decisions (rate limit, route, balance, breaker, bulkhead), 1 in "
            + GovernanceStats.DECISION_SAMPLE_RATE + " sampled")
        .tags(tags).register(registry);
    governance.addListener(new GovernanceListener() {
      @Override
      public void onResourceAdded(ResourceStats resource) {
        bindResource(registry, resource);
      }

      @Override
      public void onServiceAdded(ServiceStats service) {
        bindService(registry, service);
      }

      @Override
      public void onRulesApplied(String source, GovernanceRules effectiveRules) {
        governance.stats().services().forEach(service -> bindSubsets(registry, service));
      }
    });
    stats.resources().forEach(resource -> bindResource(registry, resource));
    stats.services().forEach(service -> bindService(registry, service));
  }

  private void bindResource(MeterRegistry registry, ResourceStats resource) {
    Tags resourceTags = tags.and("resource", resource.resource());
    for (CallOutcome outcome : CallOutcome.values()) {
      FunctionCounter.builder(meterOf(outcome), resource, r -> r.count(outcome))
          .description(descriptionOf(outcome))
          .tags(resourceTags.and("outcome", outcomeTag(outcome)))
          .register(registry);
    }
    for (CircuitState state : CircuitState.values()) {
      Gauge.builder("mse.governance.circuit.state", resource, r -> r.circuitState() == state ? 1 : 0)
          .description("1 for the state the resource's circuit breaker is in, 0 for the others (all 0: no breaker)")
          .tags(resourceTags.and("state", state.name().toLowerCase(Locale.ROOT)))
          .register(registry);
    }
  }

  private void bindService(MeterRegistry registry, ServiceStats service) {
    Gauge.builder("mse.governance.ejected.instances", service, ServiceStats::ejectedInstances)
        .description("Instances of the service ejected by outlier detection now")
        .tags(serviceTags(service)).register(registry);
    bindSubsets(registry, service);
  }

  private void bindSubsets(MeterRegistry registry, ServiceStats service) {
    for (String subset : service.subsets()) {
      FunctionCounter.builder("mse.governance.route.choices", service, s -> s.choices(subset))
          .description("Allowed attempts that went to the route subset ('*': all instances)")
          .tags(serviceTags(service).and("subset", subset)).register(registry);
    }
  }

  private Tags serviceTags(ServiceStats service) {
    return tags.and("group", service.group(), "service", service.service());
  }

  /** The meter of an outcome: decisions, attempts (outcomes of allowed ones) or retries. */
  static String meterOf(CallOutcome outcome) {
    return switch (outcome) {
      case ALLOWED, RATE_LIMITED, CIRCUIT_OPEN, BULKHEAD_FULL, NO_INSTANCE -> "mse.governance.decisions";
      case SUCCEEDED, FAILED, TIMED_OUT -> "mse.governance.attempts";
      case RETRIED, RETRY_BUDGET_EXHAUSTED -> "mse.governance.retries";
    };
  }

  private static String descriptionOf(CallOutcome outcome) {
    return switch (meterOf(outcome)) {
      case "mse.governance.decisions" -> "Governed decisions by outcome: allowed, or refused and why";
      case "mse.governance.attempts" -> "Allowed attempts by outcome";
      default -> "Retries made, and retries the budget refused";
    };
  }

  /** The {@code outcome} tag: the constant in lower case; retries' without their {@code retry_} prefix. */
  static String outcomeTag(CallOutcome outcome) {
    return outcome == CallOutcome.RETRY_BUDGET_EXHAUSTED ? "budget_exhausted"
        : outcome.name().toLowerCase(Locale.ROOT);
  }
}
