package io.mse.client.testing;

import io.mse.client.ServerStatus;
import io.mse.client.ServerUnavailableException;
import io.mse.client.config.ConfigKey;
import io.mse.client.spi.Md5;
import io.mse.client.naming.Instance;
import io.mse.client.naming.ServiceKey;
import io.mse.client.spi.ConfigData;
import io.mse.client.spi.ContentMd5;
import io.mse.client.spi.ConfigEngine;
import io.mse.client.spi.Engine;
import io.mse.client.spi.EngineContext;
import io.mse.client.spi.NamingEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stateful in-memory engine for tests of the layers above the SPI: it holds configs and instances,
 * reports changes of watched keys and followed services from its own "fake-io" thread (as a network
 * engine would), counts server reads, and can be taken down to simulate an unreachable server.
 */
public final class FakeEngine implements Engine, ConfigEngine, NamingEngine {

  private final EngineContext context;
  private final Map<ConfigKey, String> configs = new ConcurrentHashMap<>();
  private final Map<ServiceKey, Map<String, Instance>> services = new ConcurrentHashMap<>();
  private final Set<ConfigKey> watched = ConcurrentHashMap.newKeySet();
  private final Set<ServiceKey> followed = ConcurrentHashMap.newKeySet();
  private final ExecutorService io = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "fake-io");
    t.setDaemon(true);
    return t;
  });
  public final AtomicInteger configReads = new AtomicInteger();
  public final AtomicInteger instanceReads = new AtomicInteger();
  public final AtomicInteger writes = new AtomicInteger();
  private volatile boolean down;
  /** The client's ticker reading when the engine went down. */
  private volatile long downSince;
  private volatile boolean closed;

  FakeEngine(EngineContext context) {
    this.context = context;
  }

  public EngineContext context() {
    return context;
  }

  /** Makes every server call fail with ServerUnavailableException (true) or work again (false). */
  public void down(boolean down) {
    if (down && !this.down) {
      downSince = context.config().ticker().read();
    }
    this.down = down;
  }

  /** Unreachable since {@link #down(boolean)} made it so, by the client's ticker. */
  @Override
  public ServerStatus status() {
    return down ? ServerStatus.unreachable(
        Duration.ofNanos(context.config().ticker().read() - downSince), "fake engine down")
        : ServerStatus.REACHABLE;
  }

  public boolean closed() {
    return closed;
  }

  /** Reports a list for a followed service as a push would, bypassing the stored instances. */
  public void push(ServiceKey key, List<Instance> instances, boolean authoritative) {
    io.execute(() -> context.namingSink().onInstances(key, instances, authoritative));
  }

  /** Reports a config content as the server would, bypassing the stored configs. */
  public void pushConfig(ConfigKey key, String content) {
    io.execute(() -> context.configSink().onConfig(key, content == null ? null : new ConfigData(content, null)));
  }

  /** Waits until the fake I/O thread has delivered everything queued so far. */
  public void drain() {
    try {
      io.submit(() -> { }).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public boolean watching(ConfigKey key) {
    return watched.contains(key);
  }

  private void check(String resource) {
    if (down) {
      throw new ServerUnavailableException(resource, "fake server is down");
    }
  }

  @Override
  public ConfigData getConfig(ConfigKey key, Duration timeout) {
    check(key.toString());
    configReads.incrementAndGet();
    String content = configs.get(key);
    return content == null ? null : new ConfigData(content, null);
  }

  @Override
  public boolean publishConfig(ConfigKey key, String content, String type, String casMd5) {
    check(key.toString());
    writes.incrementAndGet();
    synchronized (configs) {
      if (casMd5 != null && !casMd5.equals(Md5.of(configs.get(key)))) {
        return false;
      }
      configs.put(key, content);
    }
    if (watched.contains(key)) {
      pushConfig(key, content);
    }
    return true;
  }

  @Override
  public boolean removeConfig(ConfigKey key) {
    check(key.toString());
    writes.incrementAndGet();
    configs.remove(key);
    if (watched.contains(key)) {
      pushConfig(key, null);
    }
    return true;
  }

  @Override
  public void watch(ConfigKey key, ContentMd5 md5) {
    watched.add(key);
  }

  @Override
  public void unwatch(ConfigKey key) {
    watched.remove(key);
  }

  @Override
  public void registerInstance(ServiceKey service, Instance instance) {
    check(service.toString());
    writes.incrementAndGet();
    services.computeIfAbsent(service, k -> new ConcurrentHashMap<>()).put(endpoint(instance), instance);
    report(service);
  }

  @Override
  public void deregisterInstance(ServiceKey service, Instance instance) {
    check(service.toString());
    writes.incrementAndGet();
    Map<String, Instance> instances = services.get(service);
    if (instances != null) {
      instances.remove(endpoint(instance));
    }
    report(service);
  }

  @Override
  public List<Instance> getInstances(ServiceKey service, Duration timeout) {
    check(service.toString());
    instanceReads.incrementAndGet();
    return List.copyOf(services.getOrDefault(service, Map.of()).values());
  }

  @Override
  public void subscribe(ServiceKey service) {
    followed.add(service);
  }

  @Override
  public void unsubscribe(ServiceKey service) {
    followed.remove(service);
  }

  @Override
  public List<String> listServices(String namespace, String group) {
    check(group);
    List<String> names = new ArrayList<>();
    services.keySet().forEach(k -> {
      if (k.namespace().equals(namespace) && k.group().equals(group)) {
        names.add(k.service());
      }
    });
    names.sort(null);
    return names;
  }

  private void report(ServiceKey service) {
    if (followed.contains(service)) {
      List<Instance> list = List.copyOf(services.getOrDefault(service, Map.of()).values());
      push(service, list, true);
    }
  }

  private static String endpoint(Instance instance) {
    return instance.ip() + "#" + instance.port() + "#" + instance.clusterName();
  }

  @Override
  public ConfigEngine config() {
    return this;
  }

  @Override
  public NamingEngine naming() {
    return this;
  }

  @Override
  public void close() {
    closed = true;
    io.shutdownNow();
  }
}
