package io.mse.client.spring.config;

import io.mse.client.MseException;
import io.mse.client.config.ConfigChangeEvent;
import io.mse.client.config.ConfigKey;
import io.mse.client.config.ConfigListener;
import io.mse.client.config.ConfigService;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.commons.logging.Log;
import org.springframework.boot.context.config.ConfigDataResourceNotFoundException;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.ClassUtils;

/**
 * Loads the imported configs and keeps the refreshable ones live: the client's listener hands over
 * each new content, which is parsed in the config's format into a new
 * {@link MseConfigPropertySource} put in place of the old one (same name, same position); nothing
 * else is read again. Once the context has started, the beans follow on the same thread, in one
 * step: {@code @ConfigurationProperties} rebound, then {@code @RefreshScope} beans dropped (with
 * spring-cloud-context, see {@link SpringCloudRefresh}), then {@link MseConfigChangedEvent}.
 *
 * <p>Born while Spring Boot processes config data, handed to the context as the bean
 * {@code mseConfigRefresher} (see {@link MseConfigBootstrap}), closed with it before the client.
 * Changes that arrive before the context has started are applied to the Environment at once and to
 * the beans when it has. Thread-safe: changes are applied one at a time, in order, on the daemon
 * thread {@code mse-config-refresh-1}, which {@link #close()} stops.
 */
final class MseConfigRefresher implements ApplicationListener<ContextRefreshedEvent>, AutoCloseable {

  /** The bean name under which the context holds the refresher. */
  static final String BEAN_NAME = "mseConfigRefresher";

  private final Log log;
  private final Map<ConfigKey, Imported> imports = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private final Set<String> pendingNames = new LinkedHashSet<>();
  private final Set<ConfigKey> pendingConfigs = new LinkedHashSet<>();
  private ExecutorService executor;
  private ConfigService configService;
  private ConfigurableApplicationContext context;
  private boolean started;
  private volatile boolean closed;

  MseConfigRefresher(Log log) {
    this.log = log;
  }

  /**
   * Reads a config (and, when it refreshes, starts following it) and returns its property source.
   * A config followed already (config data processed again in the same bootstrap, as Spring
   * Cloud's {@code ContextRefresher} does) is not read again: its current property source is returned.
   *
   * @return the properties; empty for an optional config that does not exist, or that cannot be read
   * @throws ConfigDataResourceNotFoundException when a required config does not exist
   * @throws MseConfigDataUnavailableException when a required config cannot be read (no server and
   *     no snapshot, refused credentials...)
   * @throws ConfigContentParser.InvalidConfigContentException when the content is not valid in its format
   */
  MseConfigPropertySource load(MseConfigDataResource resource, ConfigService configs, Duration timeout) {
    ConfigKey key = resource.configKey();
    Imported followed = imports.get(key);
    if (followed != null) {
      // config data processed again in the same bootstrap (Spring Cloud's ContextRefresher, for
      // one): the followed config is up to date, nothing to read
      synchronized (lock) {
        if (followed.current != null) {
          log.debug(resource + " is followed already: not read again");
          return followed.current;
        }
      }
    }
    Imported imported = new Imported(resource);
    String content;
    try {
      if (resource.refresh()) {
        synchronized (lock) {
          configService = configs;
          if (executor == null) {
            executor = Executors.newSingleThreadExecutor(daemonThreads());
          }
        }
        imports.put(key, imported);
        content = configs.getConfigAndAddListener(key.dataId(), key.group(), timeout, imported);
      } else {
        content = configs.getConfig(key.dataId(), key.group(), timeout);
      }
    } catch (MseException e) {
      forget(imported);
      if (!resource.optional()) {
        throw new MseConfigDataUnavailableException(resource, e);
      }
      log.warn("Optional " + resource + " could not be read (" + e.getMessage() + "): it loads nothing"
          + (resource.refresh() ? " and is not followed" : ""));
      return new MseConfigPropertySource(key, resource.format(), Map.of());
    }
    if (content == null && !resource.optional()) {
      forget(imported);
      throw new ConfigDataResourceNotFoundException(resource);
    }
    MseConfigPropertySource initial;
    try {
      initial = parse(resource, content);
    } catch (RuntimeException e) {
      forget(imported);
      throw e;
    }
    synchronized (lock) {
      if (imported.current == null) {
        imported.current = initial;
      }
      log.info((content == null ? "Optional " + resource + " does not exist: it loads nothing"
          : "Loaded " + resource + " (" + resource.format() + ", " + initial.getSource().size() + " properties)")
          + (resource.refresh() ? "; following its changes" : ""));
      return imported.current;
    }
  }

  /**
   * Joins the context: property sources changed since they were loaded are put in the Environment
   * now; the beans follow once the context has started.
   */
  void attach(ConfigurableApplicationContext applicationContext) {
    synchronized (lock) {
      this.context = applicationContext;
      MutablePropertySources sources = applicationContext.getEnvironment().getPropertySources();
      for (Imported imported : imports.values()) {
        String name = imported.resource.propertySourceName();
        if (sources.contains(name) && sources.get(name) != imported.current) {
          sources.replace(name, imported.current);
        }
      }
    }
  }

  /** When the context has started: beans built before a change that arrived meanwhile are brought up to date. */
  @Override
  public void onApplicationEvent(ContextRefreshedEvent event) {
    synchronized (lock) {
      if (event.getApplicationContext() != context || started) {
        return;
      }
      started = true;
      if (pendingNames.isEmpty() || executor == null || closed) {
        return;
      }
      Set<ConfigKey> configs = Set.copyOf(pendingConfigs);
      Set<String> names = Set.copyOf(pendingNames);
      pendingConfigs.clear();
      pendingNames.clear();
      executor.execute(() -> refreshBeans(configs, names));
    }
  }

  /** Applies a new content of a config; on the refresh thread. */
  private void apply(Imported imported, ConfigChangeEvent event) {
    if (closed) {
      return;
    }
    MseConfigDataResource resource = imported.resource;
    long start = System.nanoTime();
    MseConfigPropertySource next;
    try {
      next = parse(resource, event.content());
    } catch (ConfigContentParser.InvalidConfigContentException e) {
      log.warn(e.getMessage() + "; the previous properties stay in force");
      return;
    }
    Set<String> changed;
    ConfigurableApplicationContext target;
    synchronized (lock) {
      changed = changedNames(imported.current, next);
      if (changed.isEmpty()) {
        log.debug(resource + " changed, but none of its properties did");
        return;
      }
      imported.current = next;
      if (event.removed()) {
        log.warn(resource + " was removed on the server: its properties leave the Environment");
      }
      if (context != null) {
        MutablePropertySources sources = context.getEnvironment().getPropertySources();
        if (sources.contains(next.getName())) {
          sources.replace(next.getName(), next);
        }
      }
      if (!started) {
        pendingConfigs.add(resource.configKey());
        pendingNames.addAll(changed);
        log.info(resource + " changed: " + changed.size() + " properties, applied when the context has started");
        return;
      }
      target = context;
    }
    long environmentNanos = System.nanoTime() - start;
    refreshBeans(Set.of(resource.configKey()), changed);
    if (log.isInfoEnabled()) {
      log.info(String.format("%s changed: %d properties; Environment updated in %.1f ms, beans in %.1f ms",
          resource, changed.size(), environmentNanos / 1e6, (System.nanoTime() - start - environmentNanos) / 1e6));
    }
    if (log.isDebugEnabled()) {
      log.debug(resource + " changed properties: " + changed + " (context " + target.getId() + ")");
    }
  }

  private void refreshBeans(Set<ConfigKey> configs, Set<String> names) {
    ConfigurableApplicationContext target;
    synchronized (lock) {
      target = context;
    }
    if (closed || target == null || !target.isActive()) {
      return;
    }
    try {
      if (ClassUtils.isPresent(SpringCloudRefresh.EVENT, target.getClassLoader())) {
        SpringCloudRefresh.rebindAndRebuild(target, names);
      }
      target.publishEvent(new MseConfigChangedEvent(target, configs, names));
    } catch (RuntimeException e) {
      log.warn("Refreshing the beans after a change of " + configs + " failed (the Environment holds the new"
          + " properties): " + e, e);
    }
  }

  private MseConfigPropertySource parse(MseConfigDataResource resource, String content) {
    return new MseConfigPropertySource(resource.configKey(), resource.format(),
        ConfigContentParser.parse(resource.format(), content, resource.toString(), resource.profiles(), log::warn));
  }

  /** Names whose value differs, or that only one of the two has. */
  static Set<String> changedNames(MseConfigPropertySource previous, MseConfigPropertySource next) {
    Map<String, Object> before = previous == null ? Map.of() : previous.getSource();
    Map<String, Object> after = next.getSource();
    Set<String> changed = new LinkedHashSet<>();
    after.forEach((name, value) -> {
      if (!before.containsKey(name)
          || !Objects.equals(ConfigContentParser.plain(before.get(name)), ConfigContentParser.plain(value))) {
        changed.add(name);
      }
    });
    for (String name : before.keySet()) {
      if (!after.containsKey(name)) {
        changed.add(name);
      }
    }
    return changed;
  }

  private void forget(Imported imported) {
    if (imports.remove(imported.resource.configKey(), imported) && configService != null) {
      ConfigKey key = imported.resource.configKey();
      try {
        configService.removeListener(key.dataId(), key.group(), imported);
      } catch (RuntimeException e) {
        log.debug("Could not remove the listener of " + imported.resource + ": " + e);
      }
    }
  }

  /** Stops following the configs (their listeners are removed) and stops the refresh thread; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Imported imported : new HashSet<>(imports.values())) {
      forget(imported);
    }
    ExecutorService running;
    synchronized (lock) {
      running = executor;
    }
    if (running != null) {
      running.shutdownNow();
      try {
        running.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static CustomizableThreadFactory daemonThreads() {
    CustomizableThreadFactory threads = new CustomizableThreadFactory("mse-config-refresh-");
    threads.setDaemon(true);
    return threads;
  }

  /** One imported config: what it is, its current properties, and its listener. */
  private final class Imported implements ConfigListener {
    final MseConfigDataResource resource;
    /** Guarded by {@link #lock}. */
    MseConfigPropertySource current;

    Imported(MseConfigDataResource resource) {
      this.resource = resource;
    }

    @Override
    public void onChange(ConfigChangeEvent event) {
      apply(this, event);
    }

    @Override
    public ExecutorService executor() {
      synchronized (lock) {
        return executor;
      }
    }
  }
}
