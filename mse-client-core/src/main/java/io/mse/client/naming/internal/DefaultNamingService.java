package io.mse.client.naming.internal;

import io.mse.client.ServerUnavailableException;
import io.mse.client.NameRules;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingListener;
import io.mse.client.naming.NamingService;
import io.mse.client.naming.RegisteredInstance;
import io.mse.client.naming.ServiceKey;
import io.mse.client.spi.NamingEngine;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link NamingService} over the cache and an engine. A service is followed from its first read on;
 * reads are then served from the prepared {@link ServiceState} with no I/O and no allocation.
 * Thread-safe.
 */
public final class DefaultNamingService implements NamingService {

  private static final Logger LOG = LoggerFactory.getLogger(DefaultNamingService.class);

  private final String namespace;
  private final ServiceCache cache;
  private final NamingEngine engine;
  private final Duration requestTimeout;
  /** The instances this client registered and did not deregister, by service and endpoint. */
  private final ConcurrentHashMap<String, RegisteredInstance> registered = new ConcurrentHashMap<>();

  /**
   * @param namespace the client's namespace id ("" for the public one)
   * @param cache the service cache reads are served from
   * @param engine the engine registrations and first reads go to
   * @param requestTimeout the longest wait for a service's first read
   */
  public DefaultNamingService(String namespace, ServiceCache cache, NamingEngine engine, Duration requestTimeout) {
    this.namespace = namespace;
    this.cache = cache;
    this.engine = engine;
    this.requestTimeout = requestTimeout;
  }

  @Override
  public void registerInstance(String serviceName, Instance instance) {
    registerInstance(serviceName, NameRules.DEFAULT_GROUP, instance);
  }

  @Override
  public void registerInstance(String serviceName, String group, Instance instance) {
    ServiceKey key = key(serviceName, group);
    Instance announced = withStartTime(Objects.requireNonNull(instance, "instance"));
    engine.registerInstance(key, announced);
    registered.put(registrationKey(key, announced), new RegisteredInstance(key, announced, Instant.now()));
    LOG.info("Registered {} in '{}'", announced.address(), key);
  }

  /**
   * Returns {@code instance} announcing when this process started, under
   * {@link Instance#START_TIME_METADATA_KEY}, unless it announces a start time already (then it is
   * returned as is, as is the rest of its metadata in any case).
   */
  static Instance withStartTime(Instance instance) {
    if (instance.metadata().containsKey(Instance.START_TIME_METADATA_KEY)) {
      return instance;
    }
    return instance.toBuilder().metadata(Instance.START_TIME_METADATA_KEY, ProcessStart.EPOCH_MILLIS).build();
  }

  /** The start time of this JVM, as callers read it: decimal epoch milliseconds. */
  private static final class ProcessStart {
    static final String EPOCH_MILLIS = Long.toString(ManagementFactory.getRuntimeMXBean().getStartTime());
  }

  @Override
  public void registerInstance(String serviceName, String ip, int port) {
    registerInstance(serviceName, NameRules.DEFAULT_GROUP, Instance.of(ip, port));
  }

  @Override
  public void deregisterInstance(String serviceName, Instance instance) {
    deregisterInstance(serviceName, NameRules.DEFAULT_GROUP, instance);
  }

  @Override
  public void deregisterInstance(String serviceName, String group, Instance instance) {
    ServiceKey key = key(serviceName, group);
    Objects.requireNonNull(instance, "instance");
    engine.deregisterInstance(key, instance);
    registered.remove(registrationKey(key, instance));
    LOG.info("Deregistered {} from '{}'", instance.address(), key);
  }

  @Override
  public void deregisterInstance(String serviceName, String ip, int port) {
    deregisterInstance(serviceName, NameRules.DEFAULT_GROUP, Instance.of(ip, port));
  }

  @Override
  public List<Instance> getAllInstances(String serviceName) {
    return state(serviceName, NameRules.DEFAULT_GROUP).all();
  }

  @Override
  public List<Instance> getAllInstances(String serviceName, String group) {
    return state(serviceName, group).all();
  }

  @Override
  public List<Instance> selectInstances(String serviceName, String group, boolean healthy) {
    return state(serviceName, group).select(healthy);
  }

  @Override
  public Instance selectOneHealthyInstance(String serviceName) {
    return state(serviceName, NameRules.DEFAULT_GROUP).selectOne();
  }

  @Override
  public Instance selectOneHealthyInstance(String serviceName, String group) {
    return state(serviceName, group).selectOne();
  }

  @Override
  public void subscribe(String serviceName, String group, NamingListener listener) {
    Objects.requireNonNull(listener, "listener");
    ServiceEntry entry = follow(key(serviceName, group));
    if (entry.listeners.addIfAbsent(listener)) {
      cache.sendCurrent(entry, listener);
    }
  }

  @Override
  public void unsubscribe(String serviceName, String group, NamingListener listener) {
    ServiceEntry entry = cache.find(NameRules.group(group), NameRules.service(serviceName));
    if (entry != null) {
      entry.listeners.remove(listener);
    }
  }

  @Override
  public void updateInstance(String serviceName, String group, Instance instance) {
    ServiceKey key = key(serviceName, group);
    Instance announced = withStartTime(Objects.requireNonNull(instance, "instance"));
    engine.updateInstance(key, announced);
    registered.computeIfPresent(registrationKey(key, announced),
        (k, known) -> new RegisteredInstance(key, announced, known.registeredAt()));
  }

  /** Returns the instances this client registered and did not deregister, from memory. */
  public List<RegisteredInstance> registrations() {
    return List.copyOf(registered.values());
  }

  private static String registrationKey(ServiceKey key, Instance instance) {
    return key.groupedName() + "#" + instance.ip() + "#" + instance.port() + "#" + instance.clusterName();
  }

  @Override
  public List<String> getServices(String group) {
    return engine.listServices(namespace, NameRules.group(group));
  }

  /**
   * Returns the current state of a service, following it first if needed. The fast path is two
   * hash lookups and a volatile read.
   */
  ServiceState state(String serviceName, String group) {
    ServiceEntry entry = cache.find(group == null || group.isBlank() ? NameRules.DEFAULT_GROUP : group,
        serviceName == null ? "" : serviceName);
    if (entry != null) {
      ServiceState state = entry.state;
      if (state != null) {
        return state;
      }
    }
    return follow(key(serviceName, group)).state;
  }

  private ServiceEntry follow(ServiceKey key) {
    while (true) {
      ServiceEntry entry = cache.entry(key);
      if (entry.state != null) {
        return entry;
      }
      if (entry.loading.compareAndSet(false, true)) {
        load(entry);
        return entry;
      }
      entry.started.await(requestTimeout, entry.key);
      if (entry.state != null) {
        return entry;
      }
    }
  }

  /** Reads the first list (snapshot when the server is down), then asks the engine to follow. */
  private void load(ServiceEntry entry) {
    ServiceKey key = entry.key;
    try {
      List<Instance> instances = engine.getInstances(key, requestTimeout);
      cache.readFromServer();
      cache.initialize(entry, instances, true);
    } catch (ServerUnavailableException e) {
      Optional<List<Instance>> snapshot = cache.snapshots().readInstances(key);
      if (snapshot.isEmpty()) {
        cache.forget(entry);
        entry.started.fail(e);
        throw e;
      }
      cache.servedFromSnapshot(key, snapshot.get().size(), e);
      cache.stats().serviceSnapshotRead();
      cache.initialize(entry, snapshot.get(), false);
    } catch (RuntimeException e) {
      cache.forget(entry);
      entry.started.fail(e);
      throw e;
    }
    engine.subscribe(key);
    LOG.debug("Following '{}'", key);
  }

  private ServiceKey key(String serviceName, String group) {
    return new ServiceKey(namespace, group, serviceName);
  }
}
