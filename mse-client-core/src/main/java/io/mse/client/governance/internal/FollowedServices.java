package io.mse.client.governance.internal;

import io.mse.client.Ticker;
import io.mse.client.governance.GovernanceRules;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingService;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services governance follows in the registry, by group and name: each one's
 * {@link ServiceRuntime}, made on the service's first call (reading its instances and subscribing
 * to their changes), given the rules in force then and every rule change after, until
 * {@link #close}; and the runtimes of the open candidate routers, which take rule changes the same
 * way. Thread-safe: lookups read concurrent maps; a service's first call holds only that
 * service's lock while it waits for the registry, and rule changes and the publication of a new
 * service are serialized by this object's lock, so that no service misses a rule change.
 */
final class FollowedServices {

  private static final Logger LOG = LoggerFactory.getLogger(FollowedServices.class);

  private final NamingService naming;
  private final Ticker ticker;
  private final GovernanceEvents events;
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, ServiceRuntime>> byGroup =
      new ConcurrentHashMap<>();
  /** One lock per service being followed, so that only its own first callers wait for its first read. */
  private final ConcurrentHashMap<String, Object> followLocks = new ConcurrentHashMap<>();
  /** The runtimes of open candidate routers, which take every rule change like the followed services. */
  private final Set<ServiceRuntime> candidateRuntimes = ConcurrentHashMap.newKeySet();
  private RuleSnapshot rules = new RuleSnapshot(GovernanceRules.EMPTY); // guarded by this

  FollowedServices(NamingService naming, Ticker ticker, GovernanceEvents events) {
    this.naming = naming;
    this.ticker = ticker;
    this.events = events;
  }

  /** Returns the runtime of a service, following it first if needed (which may wait for the registry). */
  ServiceRuntime get(String group, String name) {
    ConcurrentHashMap<String, ServiceRuntime> byName = byGroup.get(group);
    if (byName != null) {
      ServiceRuntime runtime = byName.get(name);
      if (runtime != null) {
        return runtime;
      }
    }
    return follow(group, name);
  }

  /**
   * First use of a service: read its instances (may wait for the registry) and subscribe, holding
   * only this service's lock; then, under this object's lock (which rule changes take), give it the
   * rules in force and publish it, so that no rule change is missed.
   */
  private ServiceRuntime follow(String group, String name) {
    ConcurrentHashMap<String, ServiceRuntime> byName = byGroup.computeIfAbsent(group, g -> new ConcurrentHashMap<>());
    synchronized (followLocks.computeIfAbsent(group + "@@" + name, k -> new Object())) {
      ServiceRuntime runtime = byName.get(name);
      if (runtime != null) {
        return runtime;
      }
      runtime = new ServiceRuntime(group, name, ticker, events);
      runtime.setInstances(naming.getAllInstances(name, group));
      naming.subscribe(name, group, runtime);
      synchronized (this) {
        try {
          give(runtime, rules);
        } catch (RuntimeException e) {
          naming.unsubscribe(name, group, runtime);   // not followed after all; the next call tries again
          throw e;
        }
        byName.put(name, runtime);
      }
      LOG.debug("Governing calls to '{}' in group '{}'", name, group);
      return runtime;
    }
  }

  /**
   * Returns a new candidate runtime of {@code service} (see {@link CandidateRouterImpl}) holding the
   * rules in force, which takes every rule change until {@link #forget forgotten}.
   */
  synchronized ServiceRuntime candidates(String service) {
    ServiceRuntime runtime = new ServiceRuntime("DEFAULT_GROUP", service, ticker, events, true);
    give(runtime, rules);
    candidateRuntimes.add(runtime);
    return runtime;
  }

  /** Stops giving rule changes to a candidate runtime; unknown ones are ignored. */
  void forget(ServiceRuntime runtime) {
    candidateRuntimes.remove(runtime);
  }

  /**
   * Gives every service the rules of {@code next}, all or nothing: if one fails, every service gets
   * the previous rules back and the failure is thrown.
   */
  synchronized void setRules(RuleSnapshot next) {
    try {
      forEach(runtime -> give(runtime, next));
    } catch (RuntimeException e) {
      RuleSnapshot previous = rules;
      forEach(runtime -> {
        try {
          give(runtime, previous);
        } catch (RuntimeException again) {
          LOG.warn("Could not restore the previous governance rules of '{}'", runtime.service, again);
        }
      });
      throw e;
    }
    rules = next;
  }

  /**
   * Returns the instances of a service that are ejected now; empty when none, or when the service
   * is not followed in that group.
   */
  List<Instance> ejected(String service, String group) {
    ConcurrentHashMap<String, ServiceRuntime> byName = byGroup.get(group);
    ServiceRuntime runtime = byName == null ? null : byName.get(service);
    return runtime == null ? List.of() : runtime.ejected();
  }

  /** Returns the ejected instances of every followed service that has some, by {@code group@@service}, sorted. */
  Map<String, List<Instance>> ejected() {
    Map<String, List<Instance>> ejected = new TreeMap<>();
    forEach(runtime -> {
      List<Instance> out = runtime.ejected();
      if (!out.isEmpty()) {
        ejected.put(runtime.group + "@@" + runtime.service, List.copyOf(out));
      }
    });
    return Collections.unmodifiableMap(ejected);
  }

  /** Unsubscribes from every service, going on past a failure, and forgets the candidate runtimes. */
  void close() {
    for (ConcurrentHashMap<String, ServiceRuntime> byName : byGroup.values()) {
      byName.values().forEach(runtime -> {
        try {
          naming.unsubscribe(runtime.service, runtime.group, runtime);
        } catch (RuntimeException e) {
          LOG.debug("Could not unsubscribe from '{}'", runtime.service, e);
        }
      });
    }
    candidateRuntimes.clear();
  }

  private static void give(ServiceRuntime runtime, RuleSnapshot s) {
    runtime.setRules(s.routes(runtime.service), s.balancer(runtime.service), s.outlier(runtime.service));
  }

  /** Runs {@code action} on every followed service and every candidate runtime. */
  private void forEach(java.util.function.Consumer<ServiceRuntime> action) {
    for (ConcurrentHashMap<String, ServiceRuntime> byName : byGroup.values()) {
      byName.values().forEach(action);
    }
    candidateRuntimes.forEach(action);
  }
}
