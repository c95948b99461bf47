package io.mse.client.governance.internal;

import io.mse.client.Ticker;
import io.mse.client.config.ConfigService;
import io.mse.client.governance.AsyncGovernedCall;
import io.mse.client.governance.CandidateRouter;
import io.mse.client.governance.CallTimeoutException;
import io.mse.client.governance.CircuitBreakerRule;
import io.mse.client.governance.BulkheadFullException;
import io.mse.client.governance.BulkheadRule;
import io.mse.client.governance.CancellableCall;
import io.mse.client.governance.CircuitOpenException;
import io.mse.client.governance.CircuitState;
import io.mse.client.governance.Decision;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernanceCounters;
import io.mse.client.governance.GovernanceListener;
import io.mse.client.governance.GovernanceRules;
import io.mse.client.governance.GovernanceStats;
import io.mse.client.governance.GovernedAttempt;
import io.mse.client.governance.GovernedCall;
import io.mse.client.governance.GovernedRequest;
import io.mse.client.governance.RateLimitRule;
import io.mse.client.governance.RateLimitedException;
import io.mse.client.governance.RetryRule;
import io.mse.client.governance.TimeoutRule;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingService;
import io.mse.client.naming.NoInstanceAvailableException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Governance} implementation: the decision path, the retry loop (when to retry:
 * {@link Retrying}), rule changes and observation; the services it follows (and the runtimes of its
 * {@link CandidateRouterImpl candidate routers}) are in {@link FollowedServices}, the guards rules
 * make in {@link GuardRegistry}. A decision reads the ticker once (its start time, which the rate limiter,
 * the warm-up and ejection checks share), reads three volatile references (the rule snapshot, the
 * policy's service, its route table), does one hash lookup (the resource's policy, which caches its
 * service), and then works on prepared arrays: no lock, no allocation (the rate limiter publishes
 * one object per period, not per call). Thread-safe.
 */
final class DefaultGovernance implements Governance {

  private static final Logger LOG = LoggerFactory.getLogger(DefaultGovernance.class);
  /** Numbers the timer threads of the governances of this JVM. */
  private static final java.util.concurrent.atomic.AtomicInteger TIMER_THREADS = new java.util.concurrent.atomic.AtomicInteger();

  private final Ticker ticker;
  private final GovernanceEvents events = new GovernanceEvents();
  private final GuardRegistry guards;
  private final RuleSources sources;
  private final FollowedServices services;
  private final ConcurrentHashMap<String, ResourceCounters> counters = new ConcurrentHashMap<>();
  private final GovernanceStatsView stats;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Fires the timeouts of asynchronous attempts; made on the first one, stopped by close(). */
  private volatile ScheduledThreadPoolExecutor timeoutTimer;
  private final Object timerLock = new Object();
  volatile RuleSnapshot snapshot = new RuleSnapshot(GovernanceRules.EMPTY);
  private long lastVersion; // guarded by this

  /** Use {@link Governance#builder(NamingService)}. */
  DefaultGovernance(NamingService naming, ConfigService config, String applicationName, String group,
      String baselineDataId, Ticker ticker, Clock wallClock, GovernanceRules localRules, Duration configTimeout) {
    Objects.requireNonNull(naming, "naming");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.guards = new GuardRegistry(ticker, events);
    this.services = new FollowedServices(naming, ticker, Objects.requireNonNull(wallClock, "wallClock"), events);
    this.stats = new GovernanceStatsView(counters, services);
    this.sources = new RuleSources(config, group, baselineDataId, applicationName, localRules, events,
        this::applyRules);
    sources.start(configTimeout);
  }

  // ---- decisions ----

  @Override
  public <T> T call(GovernedRequest request, GovernedCall<T> call) throws Exception {
    return run(request, AttemptRunner.blocking(Objects.requireNonNull(call, "call")));
  }

  @Override
  public <T> T callCancellable(GovernedRequest request, CancellableCall<T> call) throws Exception {
    try {
      return run(request, AttemptRunner.cancellable(Objects.requireNonNull(call, "call")));
    } catch (AttemptRunner.Interrupted e) {
      throw (InterruptedException) e.getCause();
    }
  }

  /** The retry loop of {@link #call} and {@link #callCancellable}: each attempt's call made by {@code runner}. */
  private <T> T run(GovernedRequest request, AttemptRunner<T> runner) throws Exception {
    DecisionImpl decision = new DecisionImpl(this, ticker);
    ResourcePolicy policy = admit(request, decision);
    long now = decision.startNanos;
    if (policy.budget != null) {
      policy.budget.recordCall(now);
    }
    int maxAttempts = Retrying.maxAttempts(policy);
    Exception last = null;
    Endpoint previous = null;
    for (int attempt = 1; ; attempt++) {
      try {
        attempt(request, policy, decision, previous, attempt == 1 ? now : ticker.read(), true);
      } catch (RuntimeException rejection) {
        if (runner.interruptible() && interruptedWait(rejection)) {
          throw new AttemptRunner.Interrupted((InterruptedException) rejection.getCause());
        }
        if (last == null) {
          throw rejection;
        }
        last.addSuppressed(rejection);
        throw last;
      }
      if (attempt > 1) {
        policy.counters.retries.increment();   // a retry is counted once it is under way
      }
      try {
        return runner.run(decision);
      } catch (AttemptRunner.Interrupted | CancellationException e) {
        throw e;   // not the instance's failure (the decision released): not retried
      } catch (Exception e) {
        last = e;   // reported by the runner
      }
      if (!Retrying.mayRetry(ticker, request, policy, last, attempt, maxAttempts)) {
        throw last;
      }
      previous = decision.endpoint;
    }
  }

  /** Returns whether {@code rejection} is a bulkhead wait cut short by an interrupt. */
  private static boolean interruptedWait(RuntimeException rejection) {
    return rejection instanceof BulkheadFullException && rejection.getCause() instanceof InterruptedException;
  }

  @Override
  public <T> CompletableFuture<T> callAsync(GovernedRequest request, AsyncGovernedCall<T> call) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(call, "call");
    AsyncCallRun<T> run = new AsyncCallRun<>(this, ticker, request, call);
    run.start();
    return run;
  }

  @Override
  public <T> T callAttempts(GovernedRequest request, GovernedAttempt<T> attempt) throws Exception {
    Objects.requireNonNull(attempt, "attempt");
    ResourcePolicy policy = policy(request);
    if (policy.limiter != null || policy.budget != null) {
      long now = ticker.read();
      takeRatePermit(policy, now);
      if (policy.budget != null) {
        policy.budget.recordCall(now);
      }
    }
    return Retrying.attempts(ticker, request, policy, attempt);
  }

  /**
   * Returns the timer of asynchronous attempts' timeouts: one daemon thread, {@code mse-governance-timeouts-N},
   * made on first use and stopped by {@link #close()}.
   *
   * @throws IllegalStateException when this governance is closed
   */
  ScheduledThreadPoolExecutor timeoutTimer() {
    ScheduledThreadPoolExecutor timer = timeoutTimer;
    if (timer != null) {
      return timer;   // after close() it refuses new tasks
    }
    synchronized (timerLock) {
      checkOpen();
      if (timeoutTimer == null) {
        timer = new ScheduledThreadPoolExecutor(1, task -> {
          Thread thread = new Thread(task, "mse-governance-timeouts-" + TIMER_THREADS.incrementAndGet());
          thread.setDaemon(true);
          thread.setUncaughtExceptionHandler((t, e) -> LOG.error("Uncaught failure on thread '{}'", t.getName(), e));
          return thread;
        });
        timer.setRemoveOnCancelPolicy(true);   // attempts that end in time leave nothing behind
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        timeoutTimer = timer;
      }
      return timeoutTimer;
    }
  }

  @Override
  public Decision decide(GovernedRequest request) {
    DecisionImpl decision = new DecisionImpl(this, ticker);
    ResourcePolicy policy = admit(request, decision);
    attempt(request, policy, decision, null, decision.startNanos, true);
    return decision;
  }

  @Override
  public void decide(GovernedRequest request, Decision decision) {
    if (!(decision instanceof DecisionImpl) || ((DecisionImpl) decision).owner != this) {
      throw new IllegalArgumentException("decision " + decision + " was not made by this governance's newDecision()");
    }
    DecisionImpl d = (DecisionImpl) decision;
    if (d.open) {
      throw new IllegalStateException("decision for '" + d.resource() + "' has not been reported yet");
    }
    ResourcePolicy policy = admit(request, d);
    attempt(request, policy, d, null, d.startNanos, true);
  }

  @Override
  public Duration timeoutOf(GovernedRequest request) {
    ResourcePolicy policy = policy(snapshot, request.resource(), request.service());
    return policy.timeout;
  }

  @Override
  public RetryRule retryOf(GovernedRequest request) {
    return policy(snapshot, request.resource(), request.service()).retry;
  }

  @Override
  public Decision newDecision() {
    return new DecisionImpl(this, ticker);
  }

  @Override
  public void acquirePermit(GovernedRequest request) {
    ResourcePolicy policy = policy(request);
    if (policy.limiter != null) {
      takeRatePermit(policy, ticker.read());
    }
  }

  @Override
  public CandidateRouter candidateRouter(String service) {
    if (service == null || service.isBlank()) {
      throw new IllegalArgumentException("service '" + service + "' is invalid: it must not be blank");
    }
    checkOpen();
    return new CandidateRouterImpl(this, services, services.candidates(service), ticker);
  }

  /**
   * Starts an attempt on the endpoint of a candidate runtime at {@code host:port} (a detached one when
   * the runtime lists none there): takes the breaker permit and a place in the bulkhead
   * ({@link #takeBreakerPermit}) and returns the decision to report on. The attempt's time starts
   * after any wait for the place.
   */
  Decision decideOn(GovernedRequest request, ServiceRuntime runtime, String host, int port) {
    ResourcePolicy policy = policy(request);
    long now = ticker.read();
    Endpoint endpoint = runtime.endpointAt(host, port);
    if (endpoint == null) {
      endpoint = new Endpoint(Instance.builder().ip(host).port(port).build(), Endpoint.WARM, -1);
    }
    if (takeBreakerPermit(policy, true)) {
      now = ticker.read();   // the call starts after the wait for a place
    }
    policy.counters.calls.increment();
    DecisionImpl decision = new DecisionImpl(this, ticker);
    decision.fill(policy, runtime, endpoint, false, now);
    return decision;
  }

  /** Returns the policy of {@code request}, after checking this governance is open. */
  private ResourcePolicy policy(GovernedRequest request) {
    checkOpen();
    return policy(snapshot, request.resource(), request.service());
  }

  /** Throws {@link IllegalStateException} when this governance is closed. */
  void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("this governance is closed");
    }
  }

  /**
   * Resolves the request's policy, reads the ticker (this decision's one reading: its start time),
   * and takes a rate-limit permit.
   */
  ResourcePolicy admit(GovernedRequest request, DecisionImpl decision) {
    ResourcePolicy policy = policy(request);
    long now = ticker.read();
    decision.startNanos = now;
    boolean observed = stats.observed;
    decision.observed = observed;
    decision.timed = observed && GovernanceStatsView.sample();
    takeRatePermit(policy, now);
    return policy;
  }

  /** Takes a permit of the policy's rate limit, if it has one, at the ticker reading {@code now}. */
  private void takeRatePermit(ResourcePolicy policy, long now) {
    FixedWindowRateLimiter limiter = policy.limiter;
    if (limiter != null && !limiter.tryAcquire(now)) {
      policy.counters.rateLimited.increment();
      events.rateLimited(policy.resource);
      throw new RateLimitedException(policy.resource);
    }
  }

  /**
   * Takes a permit of the policy's circuit breaker, if it has one, then a place in its bulkhead, if
   * it has one: waiting up to the bulkhead's {@code maxWait} when {@code mayWait}, else only if one
   * is free now; when the bulkhead refuses, the breaker permit is given back. The decision that
   * follows releases both when its outcome is reported.
   *
   * @return whether the place was taken by a call that may have waited (the ticker is to be read
   *     again); false when no wait could happen
   * @throws CircuitOpenException when the breaker refuses
   * @throws BulkheadFullException when the bulkhead refuses; one whose cause is an
   *     {@link InterruptedException} (not counted, the thread's interrupt flag set again) when the
   *     thread was interrupted while it waited
   */
  private boolean takeBreakerPermit(ResourcePolicy policy, boolean mayWait) {
    Resilience4jBreaker breaker = policy.breaker;
    if (breaker != null && !breaker.tryAcquirePermission()) {
      policy.counters.circuitOpen.increment();
      throw new CircuitOpenException(policy.resource, breaker.state());
    }
    Resilience4jBulkhead bulkhead = policy.bulkhead;
    if (bulkhead == null) {
      return false;
    }
    boolean waits = mayWait && bulkhead.mayWait();
    boolean placed;
    try {
      placed = waits ? bulkhead.acquire() : bulkhead.tryAcquire();
    } catch (InterruptedException e) {
      if (breaker != null) {
        breaker.releasePermission();
      }
      Thread.currentThread().interrupt();
      BulkheadFullException interrupted = new BulkheadFullException(policy.resource, bulkhead.maxConcurrentCalls());
      interrupted.initCause(e);
      throw interrupted;
    }
    if (!placed) {
      if (breaker != null) {
        breaker.releasePermission();
      }
      policy.counters.bulkheadFull.increment();
      events.bulkheadFull(policy.resource);
      throw new BulkheadFullException(policy.resource, bulkhead.maxConcurrentCalls());
    }
    return waits;
  }

  /**
   * Routes, balances and takes a breaker permit and a bulkhead place for one attempt starting at the
   * ticker reading {@code now}, filling {@code decision}. The attempt's time (its timeout, the
   * breaker's slow calls, the outlier statistics) starts after the waits a decision may make: a
   * service's first use (the registry) and, when {@code mayWait}, a bulkhead's {@code maxWait}; the
   * sampled decision time leaves both out. Without a bulkhead that may wait, no ticker read is added.
   *
   * @param mayWait whether a full bulkhead with a {@code maxWait} is waited for (blocking calls), or
   *     refuses at once (asynchronous calls, which must not block)
   */
  void attempt(GovernedRequest request, ResourcePolicy policy, DecisionImpl decision, Endpoint exclude, long now,
      boolean mayWait) {
    long decisionStart = decision.startNanos;
    long waited = 0;
    ServiceRuntime service = policy.service;
    if (service == null || !service.service.equals(request.service()) || !service.group.equals(request.group())) {
      service = services.get(request.group(), request.service());
      policy.service = service;
      long before = now;
      now = ticker.read(); // a service's first use waits for the registry: the call starts after it
      waited = now - before;
    }
    RouteTable table = service.table;
    if (now >= table.nextEventNanos) {
      service.onTimer(now);
      table = service.table;
    }
    Pool pool = table.select(request);
    if (pool == null || pool.isEmpty()) {
      policy.counters.noInstance.increment();
      throw new NoInstanceAvailableException(request.service(), "no selectable instance of '" + request.service()
          + "' for " + request + (pool == null ? " (its route's fallback is FAIL)" : ""));
    }
    Endpoint endpoint = pool.pick(request, now, exclude);
    boolean timeWait = decision.timed && mayWait && policy.bulkhead != null && policy.bulkhead.mayWait();
    long beforePlace = timeWait ? ticker.read() : 0;
    if (takeBreakerPermit(policy, mayWait)) {
      long placed = ticker.read();   // the call starts after the wait for a place
      if (timeWait) {
        waited += placed - beforePlace;
      }
      now = placed;
    }
    boolean tracked = pool.balancer.tracksOutstanding;
    if (tracked) {
      endpoint.outstanding.incrementAndGet();
    }
    policy.counters.calls.increment();
    if (decision.observed) {
      pool.chosen.increment();   // an allowed attempt to the pool's subset
    }
    decision.fill(policy, service, endpoint, tracked, now);
    if (decision.timed) {
      decision.timed = false;   // the first allowed attempt only
      stats.timed(ticker.read() - decisionStart - waited);
    }
  }

  /** Returns the policy of {@code resource} called on {@code service}, resolving it on first use. */
  private ResourcePolicy policy(RuleSnapshot s, String resource, String service) {
    ResourcePolicy policy = s.cachedPolicy(resource, service);
    return policy != null ? policy : resolve(s, resource, service);
  }

  ResourcePolicy resolve(RuleSnapshot s, String resource, String service) {
    ResourceCounters c = countersOf(resource);
    RateLimitRule rl = RuleSnapshot.lookup(s.rateLimits, resource, service);
    CircuitBreakerRule cb = RuleSnapshot.lookup(s.breakers, resource, service);
    RetryRule retry = RuleSnapshot.lookup(s.retries, resource, service);
    TimeoutRule timeout = RuleSnapshot.lookup(s.timeouts, resource, service);
    BulkheadRule bh = RuleSnapshot.lookup(s.bulkheads, resource, service);
    ResourcePolicy policy = new ResourcePolicy(resource,
        rl == null ? null : guards.limiter(guardKey(rl.resource(), resource), rl, s.version),
        cb == null ? null : guards.breaker(guardKey(cb.resource(), resource), cb, s.version),
        bh == null ? null : guards.bulkhead(guardKey(bh.resource(), resource), bh, s.version),
        retry,
        retry == null ? null : guards.budget(guardKey(retry.resource(), resource), retry, s.version),
        timeout == null ? null : timeout.timeout(),
        c);
    ResourcePolicy kept = s.cache(resource, service, policy);
    c.breaker = kept.breaker;
    return kept;
  }

  /** Returns the counters of {@code resource}, made (and announced to listeners) on its first call. */
  private ResourceCounters countersOf(String resource) {
    ResourceCounters c = counters.get(resource);
    if (c == null) {
      ResourceCounters fresh = new ResourceCounters(resource);
      c = counters.putIfAbsent(resource, fresh);
      if (c == null) {
        c = fresh;
        events.resourceAdded(fresh);
      }
    }
    return c;
  }

  private static String guardKey(String ruleResource, String requestResource) {
    return RuleSnapshot.ANY.equals(ruleResource) ? requestResource : ruleResource;
  }

  // ---- rules ----

  /**
   * Puts {@code rules} in force, all or nothing: the services take them first; if one fails, every
   * service gets the previous rules back, the failure is reported as a rejection and false returned.
   * Only then are the guards trimmed and the new snapshot published.
   */
  private synchronized boolean applyRules(String source, GovernanceRules rules) {
    RuleSnapshot current = snapshot;
    if (current.rules.equals(rules) && !"start".equals(source)) {
      return true;
    }
    RuleSnapshot next = new RuleSnapshot(rules, ++lastVersion);
    try {
      services.setRules(next);
    } catch (RuntimeException e) {
      LOG.warn("Governance rules after '{}' could not be applied; the previous rules stay in force", source, e);
      events.rulesRejected(source, "the rules could not be applied: " + e);
      return false;
    }
    Set<String> rl = new HashSet<>(next.rateLimits.keySet());
    Set<String> cb = new HashSet<>(next.breakers.keySet());
    Set<String> rt = new HashSet<>(next.retries.keySet());
    guards.retain(next.version, rl, cb, rt, new HashSet<>(next.bulkheads.keySet()));
    snapshot = next;
    LOG.info("Governance rules in force after '{}': {} routes, {} load balancers, {} outlier detections,"
        + " {} rate limits, {} circuit breakers, {} bulkheads, {} retries, {} timeouts", source, rules.routes().size(),
        rules.loadBalancers().size(), rules.outlierDetection().size(), rules.rateLimits().size(),
        rules.circuitBreakers().size(), rules.bulkheads().size(), rules.retries().size(), rules.timeouts().size());
    events.rulesApplied(source, rules);
    return true;
  }

  @Override
  public void setLocalRules(GovernanceRules rules) {
    sources.setLocal(Objects.requireNonNull(rules, "rules"));
  }

  @Override
  public GovernanceRules rules() {
    return snapshot.rules;
  }

  // ---- observation ----

  @Override
  public CircuitState circuitState(String resource) {
    RuleSnapshot s = snapshot;
    ResourcePolicy policy = s.cachedPolicy(resource, resource);
    if (policy != null) {
      return policy.breaker == null ? null : policy.breaker.state();
    }
    CircuitBreakerRule rule = RuleSnapshot.lookup(s.breakers, resource, resource);
    return rule == null ? null : guards.breakerState(guardKey(rule.resource(), resource), rule);
  }

  @Override
  public List<Instance> ejectedInstances(String service, String group) {
    return services.ejected(service, group == null || group.isBlank() ? "DEFAULT_GROUP" : group);
  }

  @Override
  public Map<String, CircuitState> circuitStates() {
    return guards.breakerStates();
  }

  @Override
  public Map<String, List<Instance>> ejectedInstances() {
    return services.ejected();
  }

  @Override
  public GovernanceStats stats() {
    return stats;
  }

  @Override
  public GovernanceCounters counters() {
    GovernanceCounters total = new GovernanceCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, events.ejections.sum(),
        events.readmissions.sum());
    for (ResourceCounters c : counters.values()) {
      total = ResourceCounters.add(total, c.snapshot());
    }
    return total;
  }

  @Override
  public GovernanceCounters counters(String resource) {
    ResourceCounters c = counters.get(resource);
    return c == null ? new GovernanceCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) : c.snapshot();
  }

  @Override
  public void addListener(GovernanceListener listener) {
    events.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void removeListener(GovernanceListener listener) {
    events.remove(listener);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    sources.stop();
    services.close();
    synchronized (timerLock) {
      if (timeoutTimer != null) {
        timeoutTimer.shutdownNow();   // asynchronous attempts under way are no longer timed
      }
    }
    LOG.debug("Governance closed");
  }
}
