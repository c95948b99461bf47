package io.mse.client.governance;

import io.mse.client.Ticker;
import io.mse.client.config.ConfigService;
import io.mse.client.governance.internal.DefaultGovernance;
import io.mse.client.governance.internal.RulesParser;
import io.mse.client.governance.internal.SentinelRulesImporter;
import io.mse.client.naming.NamingService;
import java.time.Duration;
import java.util.List;

/**
 * The one place the public types of this package reach the implementation in {@code internal}:
 * {@link Governance.Builder#build()}, {@link GovernanceRules#parse(String)} and the
 * {@link SentinelRules} conversions go through here, so
 * that no public type imports an internal one. Stateless; thread-safe.
 */
final class ImplementationBridge {

  private ImplementationBridge() {}

  static Governance newGovernance(NamingService naming, ConfigService config, String applicationName, String group,
      String baselineDataId, Ticker ticker, GovernanceRules localRules, Duration configTimeout) {
    return new DefaultGovernance(naming, config, applicationName, group, baselineDataId, ticker, localRules,
        configTimeout);
  }

  static GovernanceRules parseRules(String json) {
    return RulesParser.parse(json);
  }

  static List<RateLimitRule> fromFlowRules(String json) {
    return SentinelRulesImporter.fromFlowRules(json);
  }

  static List<CircuitBreakerRule> fromDegradeRules(String json) {
    return SentinelRulesImporter.fromDegradeRules(json);
  }
}
