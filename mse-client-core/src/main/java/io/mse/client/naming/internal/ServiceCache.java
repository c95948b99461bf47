package io.mse.client.naming.internal;

import io.mse.client.internal.Dispatcher;
import io.mse.client.internal.KeyIndex;
import io.mse.client.internal.SnapshotStore;
import io.mse.client.naming.FollowedService;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingEvent;
import io.mse.client.naming.NamingListener;
import io.mse.client.naming.ServiceKey;
import io.mse.client.spi.NamingEventSink;
import java.time.Instant;
import io.mse.client.spi.StatsRecorder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine-neutral service cache: holds the instance list of every followed service, decides
 * whether a list the engine reports is a change, applies push-empty protection, and notifies the
 * listeners (in order, on the notification thread) and writes the snapshot. Thread-safe.
 */
public final class ServiceCache implements NamingEventSink {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceCache.class);

  private final KeyIndex<ServiceEntry> entries = new KeyIndex<>();
  private final Dispatcher dispatcher;
  private final SnapshotStore snapshots;
  private final boolean pushEmptyProtection;
  private final StatsRecorder stats;
  /** True while instance lists are served from snapshots because the server cannot be reached (logged once). */
  private final java.util.concurrent.atomic.AtomicBoolean servingSnapshots =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** As the other constructor, counting into a recorder of its own (tests). */
  public ServiceCache(Dispatcher dispatcher, SnapshotStore snapshots, boolean pushEmptyProtection) {
    this(dispatcher, snapshots, pushEmptyProtection, new StatsRecorder());
  }

  /** @param stats where snapshot reads and delivered changes are counted */
  public ServiceCache(Dispatcher dispatcher, SnapshotStore snapshots, boolean pushEmptyProtection,
      StatsRecorder stats) {
    this.stats = stats;
    this.dispatcher = dispatcher;
    this.snapshots = snapshots;
    this.pushEmptyProtection = pushEmptyProtection;
  }

  /** Returns the entry of a followed service, or null; allocation-free. */
  ServiceEntry find(String group, String service) {
    return entries.get(group, service);
  }

  ServiceEntry entry(ServiceKey key) {
    return entries.computeIfAbsent(key.group(), key.service(), (g, s) -> new ServiceEntry(key));
  }

  void forget(ServiceEntry entry) {
    entries.remove(entry.key.group(), entry.key.service(), entry);
  }

  /** Returns what is held of every followed service, from memory; weakly consistent. */
  public List<FollowedService> followed() {
    List<FollowedService> followed = new ArrayList<>();
    for (ServiceEntry entry : entries.values()) {
      ServiceState state = entry.state;
      if (state == null) {
        continue;
      }
      int healthy = (int) state.all().stream().filter(Instance::isSelectable).count();
      long at = entry.changedAtMillis;
      followed.add(new FollowedService(entry.key, state.all().size(), healthy, entry.listeners.size(),
          at == 0 ? null : Instant.ofEpochMilli(at)));
    }
    return followed;
  }

  SnapshotStore snapshots() {
    return snapshots;
  }

  StatsRecorder stats() {
    return stats;
  }

  /** Returns the services with at least one subscriber now; walks the entries (for a gauge, not a hot path). */
  public int subscribedServices() {
    int n = 0;
    for (ServiceEntry entry : entries.values()) {
      if (!entry.listeners.isEmpty()) {
        n++;
      }
    }
    return n;
  }

  Dispatcher dispatcher() {
    return dispatcher;
  }

  /**
   * Notes that {@code key} is served from its snapshot because the server could not be reached: the
   * first of an episode at WARN, the others at DEBUG (one WARN for all services while the server is down).
   */
  void servedFromSnapshot(ServiceKey key, int instances, RuntimeException cause) {
    if (servingSnapshots.compareAndSet(false, true)) {
      LOG.warn("Serving instance lists from their snapshots until the server answers (first: '{}', {} instance(s);"
          + " further ones logged at DEBUG until a list is read from the server again): {}", key, instances,
          cause.getMessage());
    } else {
      LOG.debug("Serving the snapshot of '{}' ({} instance(s)): {}", key, instances, cause.getMessage());
    }
  }

  /** Notes that a list was read from the server: ends an episode of serving snapshots. */
  void readFromServer() {
    if (servingSnapshots.get() && servingSnapshots.compareAndSet(true, false)) {
      LOG.info("Instance lists are read from the server again");
    }
  }

  /** Sets the first list of an entry (unless the engine already reported one) and releases waiters. */
  void initialize(ServiceEntry entry, List<Instance> instances, boolean writeSnapshot) {
    synchronized (entry) {
      if (entry.state == null) {
        entry.state = new ServiceState(entry.key, instances);
        entry.changedAtMillis = System.currentTimeMillis();
        if (writeSnapshot) {
          List<Instance> snapshot = entry.state.all();
          dispatcher.execute(() -> snapshots.writeInstances(entry.key, snapshot));
        }
      }
    }
    entry.started.release();
  }

  /** Queues the current list to one new listener, after any change already queued. */
  void sendCurrent(ServiceEntry entry, NamingListener listener) {
    synchronized (entry) {
      ServiceState state = entry.state;
      NamingEvent event = new NamingEvent(entry.key, state.all(), state.all(), List.of());
      dispatcher.execute(() -> Dispatcher.deliver("naming listener of '" + entry.key + "'", listener.executor(),
          () -> listener.onEvent(event)));
    }
  }

  @Override
  public void onInstances(ServiceKey key, List<Instance> instances, boolean authoritative) {
    readFromServer();
    ServiceEntry entry = entries.get(key.group(), key.service());
    if (entry == null || !entry.key.equals(key)) {
      LOG.debug("Ignoring a list for '{}', which nobody follows", key);
      return;
    }
    synchronized (entry) {
      ServiceState previous = entry.state;
      // Repeats and protected empties are dropped before any state is built (sorting, alias table).
      if (previous != null && previous.madeFrom(instances)) {
        return;
      }
      if (previous != null && instances.isEmpty() && !previous.all().isEmpty() && !authoritative
          && pushEmptyProtection) {
        LOG.warn("Push-empty protection: ignoring an empty instance list for '{}' that would replace {} instance(s)",
            key, previous.all().size());
        return;
      }
      ServiceState next = new ServiceState(key, instances);
      if (previous != null && previous.all().equals(next.all())) {
        return; // the same instances in another order
      }
      entry.state = next;
      entry.changedAtMillis = System.currentTimeMillis();
      NamingEvent event = diff(key, previous, next);
      LOG.info("Instances of '{}' changed: {} now, {} added, {} removed", key, next.all().size(),
          event.added().size(), event.removed().size());
      // Queued under the entry's lock, so events of one service reach the queue in order of change.
      dispatcher.execute(() -> notifyListeners(entry, event));
    }
    entry.started.release();
  }

  private void notifyListeners(ServiceEntry entry, NamingEvent event) {
    if (!entry.listeners.isEmpty()) {
      stats.serviceChangeDelivered();
    }
    for (NamingListener listener : entry.listeners) {
      Dispatcher.deliver("naming listener of '" + entry.key + "'", listener.executor(), () -> listener.onEvent(event));
    }
    snapshots.writeInstances(entry.key, event.instances());
  }

  private static NamingEvent diff(ServiceKey key, ServiceState previous, ServiceState next) {
    List<Instance> before = previous == null ? List.of() : previous.all();
    return new NamingEvent(key, next.all(), missingFrom(next.all(), before), missingFrom(before, next.all()));
  }

  /** Returns the instances of {@code from} whose endpoint (ip, port, cluster) is not in {@code other}. */
  private static List<Instance> missingFrom(List<Instance> from, List<Instance> other) {
    Set<String> endpoints = new HashSet<>();
    for (Instance instance : other) {
      endpoints.add(endpoint(instance));
    }
    List<Instance> missing = new ArrayList<>();
    for (Instance instance : from) {
      if (!endpoints.contains(endpoint(instance))) {
        missing.add(instance);
      }
    }
    return missing;
  }

  private static String endpoint(Instance instance) {
    return instance.ip() + "#" + instance.port() + "#" + instance.clusterName();
  }
}
