package io.mse.client.governance;

import io.mse.client.Ticker;
import io.mse.client.config.ConfigService;
import io.mse.client.naming.NamingService;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The implementation behind the public governance types, found once with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.mse.client.governance.GovernanceImplementation}; mse-client-core ships
 * the one implementation). It lets this package reach its implementation without importing it, so
 * that the public API depends on no {@code internal} package and no package cycle forms. Not meant
 * for applications: use {@link Governance#builder}, {@link GovernanceRules#parse} and
 * {@link SentinelRules}. Implementations are stateless and thread-safe.
 */
public interface GovernanceImplementation {

  /** Makes the governance that {@link Governance.Builder#build()} returns, with its checked settings. */
  Governance newGovernance(NamingService naming, ConfigService config, String applicationName, String group,
      String baselineDataId, Ticker ticker, Clock wallClock, GovernanceRules localRules, Duration configTimeout);

  /** Parses a rule document as {@link GovernanceRules#parse(String)} documents. */
  GovernanceRules parseRules(String json);

  /** Converts Sentinel flow rules as {@link SentinelRules#fromFlowRules(String)} documents. */
  List<RateLimitRule> fromFlowRules(String json);

  /** Converts Sentinel thread-count flow rules as {@link SentinelRules#bulkheadsFromFlowRules(String)} documents. */
  List<BulkheadRule> bulkheadsFromFlowRules(String json);

  /** Converts Sentinel degrade rules as {@link SentinelRules#fromDegradeRules(String)} documents. */
  List<CircuitBreakerRule> fromDegradeRules(String json);
}
