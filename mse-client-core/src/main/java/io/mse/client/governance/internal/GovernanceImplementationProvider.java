package io.mse.client.governance.internal;

import io.mse.client.Ticker;
import io.mse.client.config.ConfigService;
import io.mse.client.governance.BulkheadRule;
import io.mse.client.governance.CircuitBreakerRule;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernanceImplementation;
import io.mse.client.governance.GovernanceRules;
import io.mse.client.governance.RateLimitRule;
import io.mse.client.naming.NamingService;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link GovernanceImplementation} of mse-client-core, registered in
 * {@code META-INF/services}: the only public type of this package. Stateless; thread-safe.
 */
public final class GovernanceImplementationProvider implements GovernanceImplementation {

  private static final Logger LOG = LoggerFactory.getLogger(GovernanceImplementationProvider.class);

  /** For {@link java.util.ServiceLoader}. */
  public GovernanceImplementationProvider() {}

  @Override
  public Governance newGovernance(NamingService naming, ConfigService config, String applicationName, String group,
      String baselineDataId, Ticker ticker, Clock wallClock, GovernanceRules localRules, Duration configTimeout) {
    return new DefaultGovernance(naming, config, applicationName, group, baselineDataId, ticker, wallClock,
        localRules, configTimeout);
  }

  @Override
  public GovernanceRules parseRules(String json) {
    return RulesParser.parse(json);
  }

  /**
   * Converts the QPS rules; the thread-count rules (grade 0) of the array are left out, named in
   * one WARN pointing to {@link io.mse.client.governance.SentinelRules#bulkheadsFromFlowRules},
   * which imports them.
   */
  @Override
  public List<RateLimitRule> fromFlowRules(String json) {
    SentinelRulesImporter.FlowLimits limits = SentinelRulesImporter.fromFlowRules(json);
    if (!limits.bulkheads().isEmpty()) {
      LOG.warn("Sentinel flow rules: the thread-count rules (grade 0) of {} are not rate limits and were left out of"
          + " fromFlowRules; import them as bulkheads with SentinelRules.bulkheadsFromFlowRules",
          limits.bulkheads().stream().map(b -> "'" + b.resource() + "'").collect(Collectors.joining(", ")));
    }
    return limits.rateLimits();
  }

  @Override
  public List<BulkheadRule> bulkheadsFromFlowRules(String json) {
    return SentinelRulesImporter.fromFlowRules(json).bulkheads();
  }

  @Override
  public List<CircuitBreakerRule> fromDegradeRules(String json) {
    return SentinelRulesImporter.fromDegradeRules(json);
  }
}
