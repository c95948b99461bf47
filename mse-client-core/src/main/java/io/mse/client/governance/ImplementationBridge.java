package io.mse.client.governance;

import io.mse.client.Ticker;
import io.mse.client.config.ConfigService;
import io.mse.client.naming.NamingService;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The one place the public types of this package reach their implementation:
 * {@link Governance.Builder#build()}, {@link GovernanceRules#parse(String)} and the
 * {@link SentinelRules} conversions go through here, to the {@link GovernanceImplementation} found
 * with {@link ServiceLoader} on first use. Stateless apart from that lazily loaded instance; thread-safe.
 */
final class ImplementationBridge {

  private ImplementationBridge() {}

  /** Loaded on first use (class-holder idiom), once per class loader. */
  private static final class Loaded {
    static final GovernanceImplementation IMPLEMENTATION = ServiceLoader
        .load(GovernanceImplementation.class, GovernanceImplementation.class.getClassLoader()).findFirst()
        .orElseThrow(() -> new IllegalStateException("no " + GovernanceImplementation.class.getName()
            + " on the class path: is mse-client-core's META-INF/services file missing (a shaded jar without"
            + " the ServicesResourceTransformer)?"));
  }

  static Governance newGovernance(NamingService naming, ConfigService config, String applicationName, String group,
      String baselineDataId, Ticker ticker, GovernanceRules localRules, Duration configTimeout) {
    return Loaded.IMPLEMENTATION.newGovernance(naming, config, applicationName, group, baselineDataId, ticker,
        localRules, configTimeout);
  }

  static GovernanceRules parseRules(String json) {
    return Loaded.IMPLEMENTATION.parseRules(json);
  }

  static List<RateLimitRule> fromFlowRules(String json) {
    return Loaded.IMPLEMENTATION.fromFlowRules(json);
  }

  static List<CircuitBreakerRule> fromDegradeRules(String json) {
    return Loaded.IMPLEMENTATION.fromDegradeRules(json);
  }
}
