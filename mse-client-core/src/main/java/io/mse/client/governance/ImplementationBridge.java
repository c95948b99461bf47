package io.mse.client.governance;

import io.mse.client.Ticker;
import io.mse.client.config.ConfigService;
import io.mse.client.naming.NamingService;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The one place the public types of this package reach their implementation:
 * {@link Governance.Builder#build()}, {@link GovernanceRules#parse(String)} and the
 * {@link SentinelRules} conversions go through here, to the {@link GovernanceImplementation} found
 * with {@link ServiceLoader} on first use. Stateless apart from that lazily found instance; thread-safe.
 */
final class ImplementationBridge {

  private ImplementationBridge() {}

  private static volatile GovernanceImplementation implementation;

  /**
   * The implementation, looked up on first use and kept. A missing one is an
   * {@link IllegalStateException} on every call (not a class-initialization error), naming the cause.
   */
  private static GovernanceImplementation implementation() {
    GovernanceImplementation found = implementation;
    if (found == null) {
      found = ServiceLoader.load(GovernanceImplementation.class, GovernanceImplementation.class.getClassLoader())
          .findFirst().orElseThrow(() -> new IllegalStateException("no " + GovernanceImplementation.class.getName()
              + " on the class path: is mse-client-core's META-INF/services file missing (a shaded jar without"
              + " the ServicesResourceTransformer)?"));
      implementation = found; // a benign race: every thread finds the same provider class
    }
    return found;
  }

  static Governance newGovernance(NamingService naming, ConfigService config, String applicationName, String group,
      String baselineDataId, Ticker ticker, Clock wallClock, GovernanceRules localRules, Duration configTimeout) {
    return implementation().newGovernance(naming, config, applicationName, group, baselineDataId, ticker, wallClock,
        localRules, configTimeout);
  }

  static GovernanceRules parseRules(String json) {
    return implementation().parseRules(json);
  }

  static List<RateLimitRule> fromFlowRules(String json) {
    return implementation().fromFlowRules(json);
  }

  static List<BulkheadRule> bulkheadsFromFlowRules(String json) {
    return implementation().bulkheadsFromFlowRules(json);
  }

  static List<CircuitBreakerRule> fromDegradeRules(String json) {
    return implementation().fromDegradeRules(json);
  }
}
