package io.mse.bench;

import io.mse.client.config.ConfigKey;
import io.mse.client.naming.Instance;
import io.mse.client.naming.ServiceKey;
import io.mse.client.spi.ConfigData;
import io.mse.client.spi.ContentMd5;
import io.mse.client.spi.ConfigEngine;
import io.mse.client.spi.Engine;
import io.mse.client.spi.EngineContext;
import io.mse.client.spi.EngineProvider;
import io.mse.client.spi.NamingEngine;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory engine ({@code memory://}) so that the cache layer's read paths can be measured
 * without a server: what a benchmark reads after the first call never reaches the engine anyway.
 */
public final class InMemoryEngineProvider implements EngineProvider {

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public boolean supports(String serverAddr) {
    return serverAddr.startsWith("memory://");
  }

  @Override
  public String addressForms() {
    return "memory://name";
  }

  @Override
  public Engine create(EngineContext context) {
    return new InMemoryEngine(context);
  }

  static final class InMemoryEngine implements Engine, ConfigEngine, NamingEngine {
    private final EngineContext context;
    private final Map<ConfigKey, String> configs = new ConcurrentHashMap<>();
    private final Map<ServiceKey, Map<String, Instance>> services = new ConcurrentHashMap<>();

    InMemoryEngine(EngineContext context) {
      this.context = context;
    }

    @Override
    public ConfigData getConfig(ConfigKey key, Duration timeout) {
      String content = configs.get(key);
      return content == null ? null : new ConfigData(content, null);
    }

    @Override
    public boolean publishConfig(ConfigKey key, String content, String type, String casMd5) {
      configs.put(key, content);
      context.configSink().onConfig(key, content == null ? null : new ConfigData(content, null));
      return true;
    }

    @Override
    public boolean removeConfig(ConfigKey key) {
      configs.remove(key);
      context.configSink().onConfig(key, null);
      return true;
    }

    @Override
    public void watch(ConfigKey key, ContentMd5 md5) {}

    @Override
    public void unwatch(ConfigKey key) {}

    @Override
    public void registerInstance(ServiceKey service, Instance instance) {
      Map<String, Instance> instances = services.computeIfAbsent(service, k -> new ConcurrentHashMap<>());
      instances.put(instance.instanceId(), instance);
      context.namingSink().onInstances(service, List.copyOf(instances.values()), true);
    }

    @Override
    public void deregisterInstance(ServiceKey service, Instance instance) {
      Map<String, Instance> instances = services.getOrDefault(service, new ConcurrentHashMap<>());
      instances.remove(instance.instanceId());
      context.namingSink().onInstances(service, List.copyOf(instances.values()), true);
    }

    @Override
    public List<Instance> getInstances(ServiceKey service, Duration timeout) {
      return List.copyOf(services.getOrDefault(service, Map.of()).values());
    }

    @Override
    public void subscribe(ServiceKey service) {}

    @Override
    public void unsubscribe(ServiceKey service) {}

    @Override
    public ConfigEngine config() {
      return this;
    }

    @Override
    public NamingEngine naming() {
      return this;
    }

    @Override
    public void close() {}
  }
}
