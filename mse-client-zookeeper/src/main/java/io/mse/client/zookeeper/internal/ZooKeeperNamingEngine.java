package io.mse.client.zookeeper.internal;

import io.mse.client.ServerUnavailableException;
import io.mse.client.naming.Instance;
import io.mse.client.naming.ServiceKey;
import io.mse.client.spi.Backoff;
import io.mse.client.spi.NamingEngine;
import io.mse.client.spi.NamingEventSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Instances as znodes holding their JSON (see {@link ZooKeeperLayout} and {@link InstanceCodec}):
 * an ephemeral instance is an EPHEMERAL node that lives as long as this client's session, a
 * persistent one a PERSISTENT node; service and group nodes are containers, removed by the server
 * once empty.
 *
 * <p>Session handling: the ephemeral instances this engine registered are remembered, and when a
 * new session replaces a lost one they are created again. A node still owned by the old session
 * (the client noticed the expiry before the server did) is deleted and made anew, so that it does
 * not vanish later when the server expires the old session.
 *
 * <p>A followed service has a {@link CuratorCache} on its node (a persistent recursive watch, kept
 * across reconnections); after its first full read, every change reports the complete list to the
 * sink as authoritative. Thread-safe.
 */
final class ZooKeeperNamingEngine implements NamingEngine, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperNamingEngine.class);
  private static final int MAX_ATTEMPTS = 5;
  private static final int MAX_REMEMBERED_BAD_NODES = 1024;
  private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  private static final Duration MAX_RETRY = Duration.ofSeconds(30);

  /** An ephemeral instance this engine keeps registered. */
  private record Registration(ServiceKey service, Instance instance, byte[] data) {}

  private final ZooKeeperSession zk;
  private final ZooKeeperLayout layout;
  private final NamingEventSink sink;
  /** Ephemeral registrations by node path; writes of ephemeral nodes hold this map's lock. */
  private final Map<String, Registration> registrations = new LinkedHashMap<>();
  private final ConcurrentMap<ServiceKey, CuratorCache> subscriptions = new ConcurrentHashMap<>();
  private final Set<String> badNodes = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  /** Guarded by registrations: the wait before the next retry of a failed re-registration. */
  /** Consecutive replays that left some instance unregistered; the back-off grows with it. */
  private int replaysShort;
  private final java.util.concurrent.atomic.AtomicInteger replayFailures = new java.util.concurrent.atomic.AtomicInteger();

  ZooKeeperNamingEngine(ZooKeeperSession zk, ZooKeeperLayout layout, NamingEventSink sink) {
    this.zk = zk;
    this.layout = layout;
    this.sink = sink;
    zk.onNewSession(this::registerAgain);
  }

  @Override
  public void registerInstance(ServiceKey service, Instance instance) {
    String path = layout.instance(service, instance);
    byte[] data = InstanceCodec.encode(instance);
    synchronized (registrations) {
      zk.call(service.toString(), curator -> {
        put(curator, path, data, instance.ephemeral());
        return null;
      });
      if (instance.ephemeral()) {
        registrations.put(path, new Registration(service, instance, data));
      } else {
        registrations.remove(path);
      }
    }
    LOG.debug("Registered {} {} in '{}'", instance.ephemeral() ? "ephemeral" : "persistent", instance.address(), service);
  }

  @Override
  public void deregisterInstance(ServiceKey service, Instance instance) {
    String path = layout.instance(service, instance);
    synchronized (registrations) {
      registrations.remove(path);
      zk.call(service.toString(), curator -> {
        try {
          curator.delete().forPath(path);
        } catch (KeeperException.NoNodeException absent) {
          LOG.debug("{} was not registered in '{}'", instance.address(), service);
        }
        return null;
      });
    }
    LOG.debug("Deregistered {} from '{}'", instance.address(), service);
  }

  @Override
  public void updateInstance(ServiceKey service, Instance instance) {
    String path = layout.instance(service, instance);
    byte[] data = InstanceCodec.encode(instance);
    synchronized (registrations) {
      boolean updated = zk.call(service.toString(), curator -> {
        try {
          curator.setData().forPath(path, data);
          return true;
        } catch (KeeperException.NoNodeException absent) {
          return false;
        }
      });
      if (!updated) {
        throw new IllegalStateException("instance " + instance.address() + " (cluster '" + instance.clusterName()
            + "') is not registered in '" + service + "'; register it before updating it");
      }
      Registration registration = registrations.get(path);
      if (registration != null) {
        registrations.put(path, new Registration(service, instance, data));
      }
    }
    LOG.debug("Updated {} in '{}'", instance.address(), service);
  }

  @Override
  public List<Instance> getInstances(ServiceKey service, Duration timeout) {
    String servicePath = layout.service(service);
    List<Instance> instances = zk.call(service.toString(), timeout, curator -> {
      List<String> children;
      try {
        children = curator.getChildren().forPath(servicePath);
      } catch (KeeperException.NoNodeException absent) {
        return List.of();
      }
      List<Instance> list = new ArrayList<>(children.size());
      for (String child : children) {
        String path = ZKPaths.makePath(servicePath, child);
        Stat stat = new Stat();
        try {
          byte[] data = curator.getData().storingStatIn(stat).forPath(path);
          Instance instance = decode(path, data, stat);
          if (instance != null) {
            list.add(instance);
          }
        } catch (KeeperException.NoNodeException gone) {
          LOG.debug("Instance node '{}' went away while reading", path);
        }
      }
      return list;
    });
    LOG.debug("Read {} instance(s) of '{}'", instances.size(), service);
    return instances;
  }

  @Override
  public void subscribe(ServiceKey service) {
    if (closed) {
      throw new IllegalStateException("the ZooKeeper engine of '" + zk.server() + "' is closed");
    }
    subscriptions.computeIfAbsent(service, this::follow);
    LOG.debug("Following '{}'", service);
  }

  @Override
  public void unsubscribe(ServiceKey service) {
    CuratorCache cache = subscriptions.remove(service);
    if (cache != null) {
      cache.close();
      LOG.debug("Stopped following '{}'", service);
    }
  }

  @Override
  public List<String> listServices(String namespace, String group) {
    String groupPath = layout.services(namespace, group);
    List<String> names = zk.call(groupPath, curator -> {
      try {
        List<String> children = curator.getChildren().forPath(groupPath);
        List<String> decoded = new ArrayList<>(children.size());
        children.forEach(child -> decoded.add(ZooKeeperLayout.name(child)));
        return decoded;
      } catch (KeeperException.NoNodeException absent) {
        return new ArrayList<String>();
      }
    });
    names.sort(null);
    return List.copyOf(names);
  }

  /** Stops following services and forgets registrations (closing the session removes their nodes). Never throws. */
  @Override
  public void close() {
    closed = true;
    subscriptions.keySet().forEach(this::unsubscribe);
    synchronized (registrations) {
      registrations.clear();
    }
  }

  /** Returns the paths of the ephemeral instances this engine keeps registered; for tests. */
  List<String> registeredPaths() {
    synchronized (registrations) {
      return List.copyOf(registrations.keySet());
    }
  }

  private CuratorCache follow(ServiceKey service) {
    String servicePath = layout.service(service);
    CuratorCache cache = CuratorCache.builder(zk.curator(), servicePath)
        .withExceptionHandler(e -> LOG.debug("Watch of '{}' failed a read; it retries on reconnection", service, e))
        .build();
    Runnable report = () -> sink.onInstances(service, instances(cache, servicePath), true);
    cache.listenable().addListener(CuratorCacheListener.builder()
        .forAll((type, before, after) -> report.run())
        .forInitialized(report)
        .afterInitialized()
        .build());
    cache.start();
    return cache;
  }

  private List<Instance> instances(CuratorCache cache, String servicePath) {
    List<Instance> list = new ArrayList<>();
    cache.stream().forEach(child -> {
      if (servicePath.equals(ZKPaths.getPathAndNode(child.getPath()).getPath())) {
        Instance instance = decode(child.getPath(), child.getData(), child.getStat());
        if (instance != null) {
          list.add(instance);
        }
      }
    });
    return list;
  }

  /**
   * Registers every remembered ephemeral instance again, on a new session. If any fails (the
   * connection dropped again, a quota, an ACL), the whole replay is retried with a growing wait
   * (1 s doubling to 30 s) until every instance is back: re-registering one that already is there
   * only rewrites its data.
   */
  private void registerAgain() {
    synchronized (registrations) {
      if (closed || registrations.isEmpty()) {
        return;
      }
      int done = 0;
      for (Map.Entry<String, Registration> entry : registrations.entrySet()) {
        Registration registration = entry.getValue();
        try {
          zk.call(registration.service().toString(), curator -> {
            put(curator, entry.getKey(), registration.data(), true);
            return null;
          });
          done++;
        } catch (ServerUnavailableException | IllegalStateException e) {
          LOG.warn("Could not register {} in '{}' again on the new session: {}", registration.instance().address(),
              registration.service(), e.getMessage());
        }
      }
      LOG.info("Registered {} of {} ephemeral instance(s) again on the new ZooKeeper session", done,
          registrations.size());
      if (done < registrations.size()) {
        replayFailures.incrementAndGet();
        long retryMillis = Backoff.jittered(++replaysShort, FIRST_RETRY, MAX_RETRY).toMillis();
        LOG.warn("Will try the {} missing instance(s) again in {} ms", registrations.size() - done, retryMillis);
        zk.schedule(this::registerAgain, retryMillis);
      } else {
        replaysShort = 0;
      }
    }
  }

  /** Returns how many replays after a new session left some instance unregistered (for tests). */
  int replayFailures() {
    return replayFailures.get();
  }

  /**
   * Creates the node, or replaces one that exists: its data is set when it is already of the wanted
   * kind and owner, otherwise it is deleted and created again.
   */
  private static void put(CuratorFramework curator, String path, byte[] data, boolean ephemeral) throws Exception {
    long owner = ephemeral ? curator.getZookeeperClient().getZooKeeper().getSessionId() : 0;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        curator.create().creatingParentContainersIfNeeded()
            .withMode(ephemeral ? CreateMode.EPHEMERAL : CreateMode.PERSISTENT).forPath(path, data);
        return;
      } catch (KeeperException.NodeExistsException exists) {
        // replace it below
      }
      Stat stat = curator.checkExists().forPath(path);
      if (stat == null) {
        continue;
      }
      try {
        if (stat.getEphemeralOwner() == owner) {
          curator.setData().withVersion(stat.getVersion()).forPath(path, data);
          return;
        }
        curator.delete().withVersion(stat.getVersion()).forPath(path);
      } catch (KeeperException.BadVersionException | KeeperException.NoNodeException changed) {
        LOG.debug("Instance node '{}' changed while replacing it; trying again", path);
      }
    }
    throw new KeeperException.BadVersionException(path);
  }

  private Instance decode(String path, byte[] data, Stat stat) {
    try {
      return InstanceCodec.decode(data, stat != null && stat.getEphemeralOwner() != 0);
    } catch (IllegalArgumentException e) {
      if (badNodes.size() < MAX_REMEMBERED_BAD_NODES && badNodes.add(path)) {
        LOG.warn("Skipping instance node '{}': {}", path, e.getMessage());
      }
      return null;
    }
  }
}
