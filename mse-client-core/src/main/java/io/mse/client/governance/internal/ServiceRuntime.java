package io.mse.client.governance.internal;

import io.mse.client.Ticker;
import io.mse.client.governance.Destination;
import io.mse.client.governance.LoadBalancerRule;
import io.mse.client.governance.OutlierDetectionRule;
import io.mse.client.governance.RouteFallback;
import io.mse.client.governance.RouteRule;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingEvent;
import io.mse.client.naming.NamingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The governance state of one service: its endpoints (selectable instances with their statistics),
 * its rules, and the {@link RouteTable} decisions read. Every change (instance list from the
 * registry, rules, ejection, readmission, end of a warm-up) happens under this object's lock and
 * publishes a new table; decisions never lock.
 *
 * <p>A <em>candidate</em> runtime (behind a {@link CandidateRouterImpl}) takes its instances from
 * the caller's list ({@link #setCandidates}) instead of the registry: each endpoint also records its
 * positions in that list, and every pool of its tables carries the {@link Selection} of those
 * positions. Thread-safe.
 */
final class ServiceRuntime implements NamingListener {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceRuntime.class);

  final String group;
  final String service;
  private final Ticker ticker;
  private final GovernanceEvents events;

  // guarded by this
  private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
  private boolean listed;
  private List<RouteRule> routes = List.of();
  private LoadBalancerRule balancerRule;

  /** Whether the instances come from {@link #setCandidates} (true) or the registry. */
  private final boolean candidateMode;
  /** Candidate mode: the generation of the candidate list and its size. Guarded by this. */
  private long generation;
  private int listSize;
  /** Candidate mode: the endpoints by host, for {@link #endpointAt}; replaced on each list. */
  private volatile Map<String, Endpoint[]> byHost = Map.of();

  volatile OutlierDetectionRule outlierRule;
  volatile RouteTable table;

  ServiceRuntime(String group, String service, Ticker ticker, GovernanceEvents events) {
    this(group, service, ticker, events, false);
  }

  ServiceRuntime(String group, String service, Ticker ticker, GovernanceEvents events, boolean candidateMode) {
    this.group = group;
    this.service = service;
    this.ticker = ticker;
    this.events = events;
    this.candidateMode = candidateMode;
    synchronized (this) {
      rebuild(0);
    }
  }

  @Override
  public void onEvent(NamingEvent event) {
    setInstances(event.instances());
  }

  /** Replaces the instance list; endpoints of instances still listed keep their state. */
  void setInstances(List<Instance> instances) {
    long now = ticker.read();
    synchronized (this) {
      Map<String, Endpoint> previous = new HashMap<>(endpoints);
      endpoints.clear();
      for (Instance instance : instances) {
        if (instance.isSelectable()) {
          String key = Endpoint.key(instance);
          endpoints.put(key, endpoint(key, instance, previous, now));
        }
      }
      listed = true;
      rebuild(now);
    }
    LOG.debug("'{}' has {} selectable instances", service, endpoints.size());
  }

  /**
   * Candidate mode: replaces the candidate list, returning its generation. Instances listed more
   * than once (same ip, port, cluster) are one endpoint holding all their positions.
   */
  long setCandidates(List<Instance> candidates) {
    long now = ticker.read();
    synchronized (this) {
      Map<String, Endpoint> previous = new HashMap<>(endpoints);
      endpoints.clear();
      Map<Endpoint, List<Integer>> positions = new HashMap<>();
      for (int i = 0; i < candidates.size(); i++) {
        Instance instance = candidates.get(i);
        if (!instance.isSelectable()) {
          continue;
        }
        String key = Endpoint.key(instance);
        Endpoint e = endpoints.get(key);
        if (e == null) {
          e = endpoint(key, instance, previous, now);
          endpoints.put(key, e);
        }
        positions.computeIfAbsent(e, x -> new ArrayList<>(1)).add(i);
      }
      Map<String, List<Endpoint>> hosts = new HashMap<>();
      for (Endpoint e : endpoints.values()) {
        e.candidates = positions.get(e).stream().mapToInt(Integer::intValue).toArray();
        hosts.computeIfAbsent(e.instance.ip(), h -> new ArrayList<>(1)).add(e);
      }
      Map<String, Endpoint[]> index = new HashMap<>();
      hosts.forEach((host, list) -> index.put(host, list.toArray(new Endpoint[0])));
      byHost = index;
      listSize = candidates.size();
      generation++;
      listed = true;
      rebuild(now);
      LOG.debug("'{}' has {} candidates (generation {}), {} of them selectable instances", service,
          candidates.size(), generation, endpoints.size());
      return generation;
    }
  }

  /** Candidate mode: returns the listed endpoint at {@code host:port}; null when none. */
  Endpoint endpointAt(String host, int port) {
    Endpoint[] atHost = byHost.get(host);
    if (atHost != null) {
      for (Endpoint e : atHost) {
        if (e.instance.port() == port) {
          return e;
        }
      }
    }
    return null;
  }

  /** Returns the endpoint of a listed instance: its previous one updated, or a new one. */
  // guarded by this
  private Endpoint endpoint(String key, Instance instance, Map<String, Endpoint> previous, long now) {
    Endpoint e = previous.get(key);
    if (e == null) {
      e = new Endpoint(instance, listed ? now : Endpoint.WARM);
      e.window = newWindow(outlierRule);
    } else {
      e.instance = instance;
      e.weight = instance.weight();
    }
    return e;
  }

  /** Applies this service's rules. Ejections are kept unless outlier detection is removed. */
  void setRules(List<RouteRule> routes, LoadBalancerRule balancerRule, OutlierDetectionRule outlierRule) {
    long now = ticker.read();
    List<Instance> readmitted = new ArrayList<>();
    synchronized (this) {
      this.routes = routes;
      this.balancerRule = balancerRule;
      OutlierDetectionRule old = this.outlierRule;
      this.outlierRule = outlierRule;
      if (outlierRule == null || old == null || !old.interval().equals(outlierRule.interval())
          || (old.errorRateThreshold() == 0) != (outlierRule.errorRateThreshold() == 0)) {
        for (Endpoint e : endpoints.values()) {
          e.window = newWindow(outlierRule);
        }
      }
      if (outlierRule == null) {
        for (Endpoint e : endpoints.values()) {
          if (e.ejected) {
            readmit(e, now);
            readmitted.add(e.instance);
          }
        }
      }
      rebuild(now);
    }
    readmitted.forEach(i -> events.readmission(service, i));
  }

  /** Readmits endpoints whose ejection is over and ends finished warm-ups, by rebuilding. */
  void onTimer(long now) {
    List<Instance> readmitted = new ArrayList<>();
    synchronized (this) {
      if (now < table.nextEventNanos) {
        return;
      }
      for (Endpoint e : endpoints.values()) {
        if (e.ejected && e.ejectedUntilNanos <= now) {
          readmit(e, now);
          readmitted.add(e.instance);
        }
      }
      rebuild(now);
    }
    readmitted.forEach(i -> events.readmission(service, i));
  }

  /** Records a successful call to {@code e} for outlier detection. */
  void recordSuccess(Endpoint e, long now) {
    if (outlierRule == null) {
      return;
    }
    if (e.consecutiveErrors.get() != 0) {
      e.consecutiveErrors.set(0);
    }
    WindowCounter w = e.window;
    if (w != null) {
      w.add(now, 0);
    }
  }

  /** Records a failed call to {@code e}; ejects it when the rule says so. */
  void recordFailure(Endpoint e, long now) {
    OutlierDetectionRule rule = outlierRule;
    if (rule == null) {
      return;
    }
    int consecutive = e.consecutiveErrors.incrementAndGet();
    WindowCounter w = e.window;
    if (w != null) {
      w.add(now, 0);
      w.add(now, 1);
    }
    String reason = null;
    if (rule.consecutiveErrors() > 0 && consecutive >= rule.consecutiveErrors()) {
      reason = consecutive + " consecutive errors";
    } else if (rule.errorRateThreshold() > 0 && w != null) {
      long calls = w.sum(now, 0);
      long errors = w.sum(now, 1);
      if (calls >= rule.minimumCalls() && errors * 100 >= calls * rule.errorRateThreshold()) {
        reason = "error rate " + (errors * 100 / calls) + "% over " + calls + " calls";
      }
    }
    if (reason != null) {
      Duration time = tryEject(e, now, rule);
      if (time != null) {
        events.ejection(service, e.instance, time, reason);
      }
    }
  }

  /** Returns the instances ejected now. */
  synchronized List<Instance> ejected() {
    List<Instance> out = new ArrayList<>();
    for (Endpoint e : endpoints.values()) {
      if (e.ejected) {
        out.add(e.instance);
      }
    }
    return out;
  }

  private synchronized Duration tryEject(Endpoint e, long now, OutlierDetectionRule rule) {
    if (e.ejected || endpoints.get(Endpoint.key(e.instance)) != e || rule != outlierRule) {
      return null;
    }
    int ejectedCount = 0;
    for (Endpoint x : endpoints.values()) {
      if (x.ejected) {
        ejectedCount++;
      }
    }
    int cap = endpoints.size() * rule.maxEjectionPercent() / 100;
    if (ejectedCount + 1 > cap) {
      LOG.debug("Not ejecting {} of '{}': {} of {} instances are ejected, the most allowed is {}%",
          e, service, ejectedCount, endpoints.size(), rule.maxEjectionPercent());
      return null;
    }
    Map<String, String> fullSubset = fullSubset(e, rule.maxEjectionPercent());
    if (fullSubset != null) {
      LOG.debug("Not ejecting {} of '{}': its subset {} already has the most ejected instances allowed, {}%",
          e, service, fullSubset, rule.maxEjectionPercent());
      return null;
    }
    long max = rule.maxEjectionTime().toNanos();
    if (e.readmittedAtNanos != Long.MIN_VALUE && now - e.readmittedAtNanos >= max) {
      e.ejections = 0;
    }
    e.ejections++;
    long base = rule.baseEjectionTime().toNanos();
    long time = e.ejections > max / base ? max : Math.min(max, base * e.ejections);
    e.ejected = true;
    e.ejectedAtNanos = now;
    e.ejectedUntilNanos = saturatedAdd(now, time);
    rebuild(now);
    return Duration.ofNanos(time);
  }

  /** Returns {@code a + b}, or the extreme it passes instead of wrapping around. */
  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
  }

  /**
   * Returns a route subset of {@code e} where ejecting it would go over {@code maxPercent} of the
   * subset's instances; null when there is none.
   */
  // guarded by this
  private Map<String, String> fullSubset(Endpoint e, int maxPercent) {
    for (RouteRule route : routes) {
      for (Destination destination : route.destinations()) {
        Map<String, String> labels = destination.subset();
        if (labels.isEmpty() || !inSubset(e, labels)) {
          continue;   // the empty subset is every instance: the service-wide check covers it
        }
        int members = 0;
        int ejected = 0;
        for (Endpoint x : endpoints.values()) {
          if (inSubset(x, labels)) {
            members++;
            ejected += x.ejected ? 1 : 0;
          }
        }
        if (ejected + 1 > members * maxPercent / 100) {
          return labels;
        }
      }
    }
    return null;
  }

  private static boolean inSubset(Endpoint e, Map<String, String> labels) {
    Map<String, String> metadata = e.instance.metadata();
    for (Map.Entry<String, String> label : labels.entrySet()) {
      if (!label.getValue().equals(metadata.get(label.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private static void readmit(Endpoint e, long now) {
    e.ejected = false;
    e.readmittedAtNanos = now;
    e.consecutiveErrors.set(0);
    WindowCounter w = e.window;
    if (w != null) {
      w.clear();
    }
  }

  private static WindowCounter newWindow(OutlierDetectionRule rule) {
    return rule == null || rule.errorRateThreshold() == 0 ? null : new WindowCounter(rule.interval().toNanos(), 2);
  }

  // guarded by this
  private void rebuild(long now) {
    Endpoint[] all = endpoints.values().toArray(new Endpoint[0]);
    long next = Long.MAX_VALUE;
    for (Endpoint e : all) {
      if (e.ejected) {
        next = Math.min(next, e.ejectedUntilNanos);
      }
    }
    Pool allPool = selecting(Pool.build(all, balancerRule, true, now), false);
    next = warmEnd(allPool, next);
    CompiledRoute[] compiled = new CompiledRoute[routes.size()];
    for (int r = 0; r < compiled.length; r++) {
      RouteRule rule = routes.get(r);
      Pool[] pools = new Pool[rule.destinations().size()];
      for (int d = 0; d < pools.length; d++) {
        Map<String, String> subset = rule.destinations().get(d).subset();
        Endpoint[] members = subset.isEmpty() ? all : subset(all, subset);
        pools[d] = selecting(Pool.build(members, balancerRule, false, now), rule.fallback() == RouteFallback.FAIL);
        next = warmEnd(pools[d], next);
      }
      compiled[r] = new CompiledRoute(rule, pools, allPool);
    }
    table = new RouteTable(compiled, allPool, next, candidateMode ? Selection.none(generation) : null);
  }

  /** In candidate mode, returns {@code pool} with its selection; otherwise {@code pool} itself. */
  // guarded by this
  private Pool selecting(Pool pool, boolean strict) {
    return candidateMode ? pool.withSelection(generation, listSize, strict) : pool;
  }

  private static long warmEnd(Pool pool, long next) {
    return pool.warmUntilNanos == Long.MIN_VALUE ? next : Math.min(next, pool.warmUntilNanos);
  }

  private static Endpoint[] subset(Endpoint[] all, Map<String, String> labels) {
    List<Endpoint> out = new ArrayList<>();
    for (Endpoint e : all) {
      if (inSubset(e, labels)) {
        out.add(e);
      }
    }
    return out.toArray(new Endpoint[0]);
  }
}
