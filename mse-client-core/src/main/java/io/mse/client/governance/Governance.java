package io.mse.client.governance;

import io.mse.client.Ticker;
import io.mse.client.config.ConfigService;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Governs outbound calls: rate limit, route, load balance (leaving ejected instances out), circuit
 * breaker, timeout, outcome recording and retries within a budget, all from memory.
 *
 * <pre>{@code
 * Governance governance = client.governance();
 * GovernedRequest request = GovernedRequest.builder("inventory-service")
 *     .resource("inventory-service:GET /stock").method("GET").path("/stock").tag(TagContext.current()).build();
 * Stock stock = governance.call(request, instance -> http.get("http://" + instance.address() + "/stock"));
 * }</pre>
 *
 * <p>Rules: the baseline document ({@code _default.governance.json}), overridden rule by rule by the
 * application's ({@code <application>.governance.json}), both in group {@code MSE_GOVERNANCE} and
 * re-applied on every publish, overridden in turn by rules given in code
 * ({@link #setLocalRules}). A rejected document leaves the previous rules in force.
 *
 * <p>Instances: a service is looked up and subscribed to on its first call (which may wait for the
 * registry once); later decisions read tables prepared on each change of its instances or rules.
 *
 * <p>Time: every elapsed-time decision (breaker waits and windows, rate-limit periods, ejection
 * times, warm-up, retry-budget windows, timeouts) reads the client's {@link Ticker}.
 *
 * <p>Thread-safe. {@link #close()} unsubscribes from the registry and the config center.
 */
public interface Governance extends AutoCloseable {

  /** The default group of rule documents: {@value}. */
  String RULES_GROUP = "MSE_GOVERNANCE";

  /** The default dataId of the namespace-wide baseline document: {@value}. */
  String BASELINE_DATA_ID = "_default.governance.json";

  /** The suffix of an application's rule document's dataId: {@code <application>}{@value}. */
  String APPLICATION_DATA_ID_SUFFIX = ".governance.json";

  /**
   * Runs a call through governance: takes a rate-limit permit, then for each attempt routes, picks an
   * instance, takes a circuit-breaker permit, invokes {@code call}, and records the outcome; a
   * failed attempt (an exception, or a result later than the timeout) is retried on another
   * instance while the retry rule's attempts and budget allow. A request that is not
   * {@linkplain GovernedRequest#idempotent() idempotent} is retried only after a failure showing it
   * was never sent (a connection refused or a host not resolved); requests are idempotent by default.
   *
   * <p>The timeout is measured with the ticker around each attempt: a result that comes later than
   * the timeout is discarded and a {@link CallTimeoutException} recorded (and thrown if no retry
   * follows). Governance does not interrupt the call: bound its I/O with {@link Decision#timeoutNanos()}
   * semantics, as the OkHttp interceptor does.
   *
   * @return the result of the successful attempt
   * @throws RateLimitedException when the resource's rate limit rejects the call
   * @throws CircuitOpenException when the resource's circuit is open on the first attempt
   * @throws io.mse.client.naming.NoInstanceAvailableException when no instance can be chosen on
   *     the first attempt
   * @throws CallTimeoutException when the last attempt timed out
   * @throws Exception the last attempt's failure, when every attempt failed (a rejection of a
   *     retry is added to it as suppressed)
   */
  <T> T call(GovernedRequest request, GovernedCall<T> call) throws Exception;

  /**
   * Runs an asynchronous call through governance, as {@link #call} does a blocking one: one
   * rate-limit permit, then for each attempt a route, an instance, a circuit-breaker permit, the
   * call's stage and its outcome recorded when the stage completes; a failed attempt is retried on
   * another instance while the retry rule's attempts and budget (and the request's idempotency)
   * allow. The next attempt starts on the thread that completed the previous one. Nothing blocks
   * but a service's first call, which reads the registry once on the calling thread (as
   * {@link #call} does): an adapter on an event loop makes that first call elsewhere.
   *
   * <p>The timeout is measured as in {@link #call} (a result later than it is a failure, a
   * {@link CallTimeoutException}); governance does not cancel a late stage: bound its I/O with
   * {@link #timeoutOf}, and fail the stage with a {@link CallTimeoutException} to have it counted
   * as a timeout.
   *
   * <p>Cancelling the returned future (before it completes) cancels the attempt under way (see
   * {@link AsyncGovernedCall#call}), gives its permits back, records no outcome and starts no
   * further attempt.
   *
   * @return a future completed with the successful attempt's result, or exceptionally with what
   *     {@link #call} would throw: a {@link RateLimitedException}, {@link CircuitOpenException} or
   *     {@link io.mse.client.naming.NoInstanceAvailableException} refusing the first attempt, a
   *     {@link CallTimeoutException}, or the last attempt's failure (unwrapped from a
   *     {@link java.util.concurrent.CompletionException}), with the refusal of a retry suppressed
   *     in it; also an {@link IllegalStateException} when this governance is closed
   * @throws NullPointerException when {@code request} or {@code call} is null
   */
  <T> CompletableFuture<T> callAsync(GovernedRequest request, AsyncGovernedCall<T> call);

  /**
   * Makes one decision without calling: rate-limit permit, route, load balance, circuit-breaker
   * permit. Reads memory only (after a service's first use). Report the outcome on the result.
   *
   * @throws RateLimitedException, CircuitOpenException, NoInstanceAvailableException as {@link #call}
   */
  Decision decide(GovernedRequest request);

  /**
   * As {@link #decide(GovernedRequest)}, filling {@code decision} (made by {@link #newDecision()} and
   * already reported) instead of allocating one.
   *
   * @throws IllegalArgumentException when {@code decision} was not made by this governance
   * @throws IllegalStateException when {@code decision} has not been reported yet
   */
  void decide(GovernedRequest request, Decision decision);

  /**
   * Returns the timeout of one attempt of {@code request} by the rules in force (its resource's,
   * else its service's, else the {@code *} rule); null when none applies. For adapters that bound
   * their own I/O, such as the OkHttp interceptor.
   */
  Duration timeoutOf(GovernedRequest request);

  /** Returns a reusable, empty decision for {@link #decide(GovernedRequest, Decision)}. */
  Decision newDecision();

  /**
   * Sets rules given in code, which override the config-center documents rule by rule; pass
   * {@link GovernanceRules#EMPTY} to remove them. Applied at once, all or nothing: if they cannot be
   * applied, the previous rules stay in force and {@link GovernanceListener#onRulesRejected} is
   * called (source {@code local}).
   */
  void setLocalRules(GovernanceRules rules);

  /** Returns the rules in force: baseline, overridden by the application's, overridden by local ones. */
  GovernanceRules rules();

  /** Returns the state of a resource's circuit breaker; null when it has none (yet). */
  CircuitState circuitState(String resource);

  /**
   * Returns the instances of a service in {@code DEFAULT_GROUP} that are ejected now; empty when none
   * (or when the service has not been called yet). Same as {@code ejectedInstances(service, null)}.
   */
  default List<Instance> ejectedInstances(String service) {
    return ejectedInstances(service, null);
  }

  /**
   * Returns the instances of a service in {@code group} that are ejected now; empty when none (or
   * when the service has not been called yet in that group).
   *
   * @param service the service's name, as in {@link GovernedRequest#service()}
   * @param group the service's group; null or blank means {@code DEFAULT_GROUP}, as in
   *     {@link GovernedRequest.Builder#group}
   */
  List<Instance> ejectedInstances(String service, String group);

  /**
   * Returns the state of every circuit breaker in use, by the key it is kept under (the rule's
   * resource, or the request's resource for a {@code *} or service rule); empty when none. Reads
   * memory only. The default, for implementations that do not track them, is empty.
   */
  default Map<String, CircuitState> circuitStates() {
    return Map.of();
  }

  /**
   * Returns the instances ejected now of every service governance follows, by {@code group@@service};
   * services with none are left out. Reads memory only. The default, for implementations that do not
   * track them, is empty.
   */
  default Map<String, List<Instance>> ejectedInstances() {
    return Map.of();
  }

  /** Returns the counts over every resource and service. */
  GovernanceCounters counters();

  /** Returns the counts of one resource (as named by requests); all zero when unknown. */
  GovernanceCounters counters(String resource);

  /** Adds a listener; adding it twice has no further effect. */
  void addListener(GovernanceListener listener);

  /** Removes a listener; unknown ones are ignored. */
  void removeListener(GovernanceListener listener);

  /** Unsubscribes from the registry and config center; idempotent. Calls after it fail. */
  @Override
  void close();

  /**
   * Returns a builder of a governance over {@code naming}.
   *
   * @param naming the registry the instances are read from; not null
   */
  static Builder builder(NamingService naming) {
    return new Builder(naming);
  }

  /** Builds a {@link Governance}. Not thread-safe. */
  final class Builder {
    private final NamingService naming;
    private ConfigService config;
    private String applicationName;
    private String group = RULES_GROUP;
    private String baselineDataId = BASELINE_DATA_ID;
    private Ticker ticker = Ticker.system();
    private GovernanceRules localRules = GovernanceRules.EMPTY;
    private Duration configTimeout = Duration.ofSeconds(3);

    private Builder(NamingService naming) {
      this.naming = Objects.requireNonNull(naming, "naming");
    }

    /** Sets the config center the rule documents are read from; default none (local rules only). */
    public Builder config(ConfigService config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /** Sets the application whose document ({@code <name>.governance.json}) is read; default none. */
    public Builder applicationName(String applicationName) {
      this.applicationName = applicationName;
      return this;
    }

    /** Sets the group of the rule documents; default {@value Governance#RULES_GROUP}. */
    public Builder group(String group) {
      this.group = Objects.requireNonNull(group, "group");
      return this;
    }

    /** Sets the baseline document's dataId; default {@value Governance#BASELINE_DATA_ID}. */
    public Builder baselineDataId(String baselineDataId) {
      this.baselineDataId = Objects.requireNonNull(baselineDataId, "baselineDataId");
      return this;
    }

    /** Sets the time source; default {@link Ticker#system()}. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** Sets rules given in code (see {@link Governance#setLocalRules}); default none. */
    public Builder rules(GovernanceRules rules) {
      this.localRules = Objects.requireNonNull(rules, "rules");
      return this;
    }

    /** Sets the longest wait for the first read of each rule document; positive; default 3 s. */
    public Builder configTimeout(Duration configTimeout) {
      if (configTimeout == null || configTimeout.isNegative() || configTimeout.isZero()) {
        throw new IllegalArgumentException("configTimeout " + configTimeout + " is invalid: it must be positive");
      }
      this.configTimeout = configTimeout;
      return this;
    }

    /** Builds the governance and reads the rule documents (waiting at most the config timeout for each). */
    public Governance build() {
      return ImplementationBridge.newGovernance(naming, config, applicationName, group, baselineDataId, ticker,
          localRules, configTimeout);
    }
  }
}
