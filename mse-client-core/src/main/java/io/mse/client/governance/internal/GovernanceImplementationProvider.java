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

/**
 * The {@link GovernanceImplementation} of mse-client-core, registered in
 * {@code META-INF/services}: the only public type of this package. Stateless; thread-safe.
 */
public final class GovernanceImplementationProvider implements GovernanceImplementation {

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

  @Override
  public List<RateLimitRule> fromFlowRules(String json) {
    return SentinelRulesImporter.fromFlowRules(json).rateLimits();
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
