package io.mse.client.governance;

import io.mse.client.Ticker;
import io.mse.client.config.ConfigService;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingService;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Governs outbound calls: rate limit, route, load balance (leaving ejected instances out), circuit
 * breaker, bulkhead, timeout, outcome recording and retries within a budget, all from memory.
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
 * times, warm-up, retry-budget windows, timeouts) reads the client's {@link Ticker}. The wall clock
 * ({@link Builder#wallClock}) is read only to place the start time an instance announces
 * ({@link Instance#START_TIME_METADATA_KEY}, epoch milliseconds) on the ticker's time line, once,
 * when the instance (or its new start time) is first seen: its warm-up then starts at
 * {@code ticker − (wall − start)} and proceeds by the ticker.
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
   * instance, takes a circuit-breaker permit and a place in the bulkhead, invokes {@code call}, and
   * records the outcome (giving the place back); a
   * failed attempt (an exception, or a result later than the timeout) is retried on another
   * instance while the retry rule's attempts and budget allow. A request that is not
   * {@linkplain GovernedRequest#idempotent() idempotent} is retried only after a failure showing it
   * was never sent (a connection refused or a host not resolved); requests are idempotent by default.
   *
   * <p>The timeout is measured with the ticker around each attempt, from when its permits are taken
   * (a wait for a bulkhead place, and a service's first read of the registry, are not the call's
   * time): a result that comes later than the timeout is discarded and a {@link CallTimeoutException}
   * recorded (and thrown if no retry follows). {@code call} runs on the caller's thread and governance cannot stop it: a call that
   * hangs holds the caller until it returns by itself. Bound its I/O by {@link #timeoutOf} (as the
   * OkHttp interceptor does), or use {@link #callCancellable}, which cancels an attempt at its
   * timeout.
   *
   * @return the result of the successful attempt
   * @throws RateLimitedException when the resource's rate limit rejects the call
   * @throws CircuitOpenException when the resource's circuit is open on the first attempt
   * @throws BulkheadFullException when the resource's bulkhead is full on the first attempt (after
   *     waiting up to its {@code maxWait}; when the thread is interrupted during the wait, one whose
   *     cause is the {@link InterruptedException}, the interrupt flag set again)
   * @throws io.mse.client.naming.NoInstanceAvailableException when no instance can be chosen on
   *     the first attempt
   * @throws CallTimeoutException when the last attempt timed out
   * @throws Exception the last attempt's failure, when every attempt failed (a rejection of a
   *     retry is added to it as suppressed)
   */
  <T> T call(GovernedRequest request, GovernedCall<T> call) throws Exception;

  /**
   * Runs an asynchronous call through governance, as {@link #call} does a blocking one: one
   * rate-limit permit, then for each attempt a route, an instance, a circuit-breaker permit, a place
   * in the bulkhead, the call's stage and its outcome recorded when the stage completes; a failed
   * attempt is retried on another instance while the retry rule's attempts and budget (and the
   * request's idempotency) allow. The next attempt starts on the thread that completed the previous
   * one's stage or, after a timeout, on the executor below.
   *
   * <p><b>Threads.</b> The returned future is completed, and so the callbacks chained on it without
   * an executor of their own run: on the calling thread when the first attempt is refused or its
   * stage is already complete; on the thread that completed the last attempt's stage; after a
   * timeout, on the JDK's default asynchronous executor of {@link CompletableFuture}
   * ({@link CompletableFuture#defaultExecutor()}: {@link java.util.concurrent.ForkJoinPool#commonPool()},
   * or a new thread per task when the common pool's parallelism is below 2), never on the
   * governance's timer thread ({@code mse-governance-timeouts-N}, one daemon thread made on the
   * first timed asynchronous attempt, stopped by {@link #close()}), which only fires the timeouts
   * and hands each one's handling (the timeout recorded, the stage cancelled, the future completed
   * or the next attempt started) to that executor. A callback that blocks, even one waiting for
   * another {@code callAsync} of this governance, therefore delays no timeout; still, a callback
   * that blocks for long should run on an executor of its own ({@code exceptionallyAsync(fn, executor)},
   * {@code thenApplyAsync(fn, executor)}...) rather than hold a common-pool thread.
   *
   * <p>Nothing blocks but a service's first call, which reads the registry once on the calling
   * thread (as {@link #call} does): an adapter on an event loop makes that first call elsewhere. In
   * particular a bulkhead's {@code maxWait} does not apply: an attempt that finds the bulkhead full
   * is refused at once with a {@link BulkheadFullException} (counted as {@code bulkhead_full}), on
   * the first attempt as on a retry.
   *
   * <p><b>Timeouts cancel.</b> With a timeout rule, each attempt is timed from when its permits are
   * taken: at the timeout (in real time, fired by the timer thread and handled on the executor
   * above) governance records a
   * {@link CallTimeoutException} (a failure for the breaker and outlier detection), gives the
   * attempt's breaker permit and bulkhead place back, cancels the stage
   * ({@code stage.toCompletableFuture().cancel(true)}: a {@link CompletableFuture} returned by
   * {@link AsyncGovernedCall#call} is cancelled, with whatever its producer attached to that, such
   * as an HTTP client aborting its exchange) and retries as the rules allow. Work that ignores the
   * cancellation (a stage whose {@code toCompletableFuture()} is a copy, a supplier already
   * running) runs on in the background without its bulkhead place; its late outcome is discarded
   * and touches neither the next attempt nor the counts. A stage that completes in time but late
   * by the ticker is a timeout too, as in {@link #call}.
   *
   * <p>Cancelling the returned future (before it completes) cancels the attempt under way (see
   * {@link AsyncGovernedCall#call}), gives its permits back, records no outcome and starts no
   * further attempt. A stage that completes with a {@link java.util.concurrent.CancellationException}
   * (cancelled by its owner) records no outcome either and ends the call with that exception.
   *
   * @return a future completed with the successful attempt's result, or exceptionally with what
   *     {@link #call} would throw: a {@link RateLimitedException}, {@link CircuitOpenException},
   *     {@link BulkheadFullException} (at once, never after a wait) or
   *     {@link io.mse.client.naming.NoInstanceAvailableException} refusing the first attempt, a
   *     {@link CallTimeoutException}, or the last attempt's failure (unwrapped from a
   *     {@link java.util.concurrent.CompletionException}), with the refusal of a retry suppressed
   *     in it; also an {@link IllegalStateException} when this governance is closed
   * @throws NullPointerException when {@code request} or {@code call} is null
   */
  <T> CompletableFuture<T> callAsync(GovernedRequest request, AsyncGovernedCall<T> call);

  /**
   * Runs a call through governance as {@link #call} does (rate limit, routing, balancing, breaker,
   * bulkhead, outcomes, retries within the budget), but each attempt is started as a {@link java.util.concurrent.Future}
   * ({@link CancellableCall#start}) and <b>cancelled when it times out</b>: the caller waits for the
   * future up to the attempt's timeout (a real wait, {@code Future.get(timeout)}; without a timeout
   * rule, until it completes), and past it governance calls {@code future.cancel(true)} (a task on an
   * executor is interrupted, a JDK {@code HttpClient.sendAsync} exchange aborted), records a
   * {@link CallTimeoutException} (a failure for the breaker and outlier detection, its bulkhead place
   * given back) and retries on another instance as the retry rule allows, with a new future. A call
   * that ignores cancellation keeps running in the background until it ends by itself; its result is
   * discarded and nothing waits for it (see {@link CancellableCall}). A future that succeeds in time
   * by the wait but late by the ticker is a timeout too, as in {@link #call}.
   *
   * <pre>{@code
   * ExecutorService io = Executors.newFixedThreadPool(8);   // the application's own
   * Stock stock = governance.callCancellable(request,
   *     instance -> io.submit(() -> blockingClient.getStock(instance.address())));
   * }</pre>
   *
   * @return the result of the successful attempt
   * @throws InterruptedException when the caller's thread is interrupted while it waits, for the
   *     attempt's future or for a place in the bulkhead: the attempt is cancelled (or not started),
   *     nothing recorded, no retry made, and the thread's interrupt flag is set again
   * @throws RateLimitedException when the resource's rate limit rejects the call
   * @throws CircuitOpenException when the resource's circuit is open on the first attempt
   * @throws BulkheadFullException when the resource's bulkhead is full on the first attempt (after
   *     waiting up to its {@code maxWait}; an interrupt during that wait is thrown as an
   *     {@link InterruptedException}, see above)
   * @throws io.mse.client.naming.NoInstanceAvailableException when no instance can be chosen on
   *     the first attempt
   * @throws CallTimeoutException when the last attempt timed out
   * @throws java.util.concurrent.CancellationException when an attempt's future was cancelled by
   *     someone else (its owner, not governance): not the instance's failure, so nothing is recorded
   *     (the permits are given back) and no retry is made
   * @throws Exception the last attempt's failure: what {@code start} threw, or the cause the future
   *     failed with (the {@code ExecutionException} itself when that cause is not an Exception)
   */
  <T> T callCancellable(GovernedRequest request, CancellableCall<T> call) throws Exception;

  /**
   * Makes one decision without calling: rate-limit permit, route, load balance, circuit-breaker
   * permit, a place in the bulkhead. Reads memory only (after a service's first use); waits only for
   * a bulkhead with a {@code maxWait}. The decision's time (its {@linkplain Decision#elapsedNanos()
   * elapsed time}, for the timeout and the breaker's slow calls) starts once every permit is taken,
   * after any such wait. Report the outcome on the result, which gives the place back.
   *
   * @throws RateLimitedException when the resource's rate limit rejects the call
   * @throws CircuitOpenException when the resource's circuit is open
   * @throws BulkheadFullException when the resource's bulkhead is full (after waiting up to its
   *     {@code maxWait}); when the thread is interrupted during that wait, one whose cause is the
   *     {@link InterruptedException}, not counted as a refusal, the thread's interrupt flag set again
   * @throws io.mse.client.naming.NoInstanceAvailableException when no instance can be chosen
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

  /**
   * Returns the retry rule that applies to {@code request} by the rules in force (its resource's,
   * else its service's, else the {@code *} rule); null when none (one attempt). Reads memory only;
   * does not take a permit, count anything or check whether this governance is closed. For adapters
   * that make each attempt themselves, such as the OkHttp interceptor, which cancels only an attempt
   * no retry can follow, and for adapters over frameworks that retry by themselves unless told
   * otherwise (Dubbo's failover cluster), to know whether {@link #callAttempts} is to own the retries.
   */
  RetryRule retryOf(GovernedRequest request);

  /** Returns a reusable, empty decision for {@link #decide(GovernedRequest, Decision)}. */
  Decision newDecision();

  /**
   * Takes a permit of {@code request}'s rate limit (its resource's, else its service's, else the
   * {@code *} rule's); does nothing when none applies. One permit per logical call: for inbound
   * adapters protecting a server, and for adapters whose framework makes the attempts itself.
   * Reads the ticker once when a rate limit applies; no lock, no allocation.
   *
   * @throws RateLimitedException when the rate limit has no permit left in this period
   * @throws IllegalStateException when this governance is closed
   */
  void acquirePermit(GovernedRequest request);

  /**
   * Runs a call whose instance the caller's framework picks on each attempt (see
   * {@link CandidateRouter}): takes the rate-limit permit, then makes attempt 1 and, after each
   * failure, another while the retry rule's {@code maxAttempts} and the retry budget allow (and,
   * for a request that is not {@linkplain GovernedRequest#idempotent() idempotent}, only after a
   * failure showing it was never sent), as {@link #call} does. Unlike {@link #call}, it neither
   * routes nor takes circuit-breaker permits or bulkhead places nor records outcomes: each attempt does that itself
   * ({@link CandidateRouter#decide}). Without a retry rule there is one attempt.
   *
   * @return the result of the successful attempt
   * @throws RateLimitedException when the rate limit rejects the call
   * @throws Exception the failure of the last attempt made; a refusal thrown by an attempt
   *     ({@link RateLimitedException}, {@link CircuitOpenException}, {@link BulkheadFullException},
   *     {@link io.mse.client.naming.NoInstanceAvailableException}) ends the call at once, thrown as
   *     is on the first attempt, else added as suppressed to the previous attempt's failure, which
   *     is thrown
   * @throws IllegalStateException when this governance is closed
   */
  <T> T callAttempts(GovernedRequest request, GovernedAttempt<T> attempt) throws Exception;

  /**
   * Returns a new router of {@code service} over candidates the caller lists (see
   * {@link CandidateRouter}), following the rules in force and every rule change until it is closed.
   *
   * @param service the service whose routes and outlier detection apply; non-blank
   * @throws IllegalArgumentException when {@code service} is blank
   * @throws IllegalStateException when this governance is closed
   */
  CandidateRouter candidateRouter(String service);

  /**
   * Sets rules given in code, which override the config-center documents rule by rule; pass
   * {@link GovernanceRules#EMPTY} to remove them. Applied at once, all or nothing: if they cannot be
   * applied, the previous rules stay in force and {@link GovernanceListener#onRulesRejected} is
   * called (source {@code local}).
   */
  void setLocalRules(GovernanceRules rules);

  /** Returns the rules in force: baseline, overridden by the application's, overridden by local ones. */
  GovernanceRules rules();

  /**
   * Returns the state of the circuit breaker that applies to {@code resource} (named as by
   * requests whose resource and service are both {@code resource}: its rule, else the {@code *}
   * rule); null when no breaker rule applies. Reads memory only, with no side effect: a resource
   * that was never called gets no breaker, counters or meters by being asked; for it the answer is
   * the state its breaker would start in ({@link CircuitState#CLOSED}, or {@link CircuitState#OPEN}
   * while a replaced breaker of the same key is open).
   */
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

  /**
   * Returns the live statistics of this governance (per resource, per followed service, sampled
   * decision times), for monitoring; the same object on every call. Metrics binders read them, see
   * {@code io.mse.client.metrics.MseClientMetrics}.
   */
  GovernanceStats stats();

  /** Returns the counts over every resource and service. */
  GovernanceCounters counters();

  /** Returns the counts of one resource (as named by requests); all zero when unknown. */
  GovernanceCounters counters(String resource);

  /** Adds a listener; adding it twice has no further effect. */
  void addListener(GovernanceListener listener);

  /** Removes a listener; unknown ones are ignored. */
  void removeListener(GovernanceListener listener);

  /**
   * Unsubscribes from the registry and config center and stops the timer thread of asynchronous
   * attempts' timeouts (an asynchronous attempt still under way is then no longer timed out; its
   * stage still completes the call); idempotent. Calls after it fail.
   */
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
    private Clock wallClock = Clock.systemUTC();
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

    /**
     * Sets the wall clock, read only to map the start time an instance announces in its metadata
     * ({@link Instance#START_TIME_METADATA_KEY}, epoch milliseconds, as written by the provider's
     * clock) onto the ticker: the instance's age {@code wallClock.millis() − start} (0 when the start
     * is in the future) is read once, when the instance or its new start time is first seen, and its
     * warm-up then proceeds by the ticker. Default {@link Clock#systemUTC()}; tests pass a fixed or
     * fake clock together with a fake ticker.
     */
    public Builder wallClock(Clock wallClock) {
      this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
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
          wallClock, localRules, configTimeout);
    }
  }
}
