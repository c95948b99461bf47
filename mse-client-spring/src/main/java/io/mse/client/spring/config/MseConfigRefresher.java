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

/**
 * Loads the imported configs and keeps the refreshable ones live: the client's listener hands over
 * each new content, which is parsed in the config's format into a new
 * {@link MseConfigPropertySource} put in place of the old one (same name, same position); nothing
 * else is read again.
 *
 * <p>Once the context has started, a change switches the Environment and the beans together: the
 * {@code @ConfigurationProperties} beans it concerns are first bound, off to the side, into fresh
 * instances against the Environment as it will be (see {@link PropertiesRebinder}); then, in one
 * short step, the property source is replaced, the fresh values are copied onto the live beans and
 * the {@code @RefreshScope} beans are dropped (with spring-cloud-context, see
 * {@link SpringCloudRefresh}); then {@code EnvironmentChangeEvent} and {@link MseConfigChangedEvent}
 * are published. A change whose properties do not bind (a bad value, a failed validation) is refused
 * whole: nothing changes, the previous properties stay in force.
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
  private PropertiesRebinder rebinder;
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
   * Joins the context, before any bean exists: property sources changed since they were loaded are
   * put in the Environment now; the beans follow once the context has started. From now on the
   * context's {@code @ConfigurationProperties} beans are kept track of, for rebinding.
   */
  void attach(ConfigurableApplicationContext applicationContext) {
    LivePropertiesBeans beans = new LivePropertiesBeans(applicationContext);
    applicationContext.getBeanFactory().addBeanPostProcessor(beans);
    synchronized (lock) {
      this.context = applicationContext;
      this.rebinder = new PropertiesRebinder(applicationContext, beans);
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
      executor.execute(() -> refreshBeans(configs, names, null, null));
    }
  }

  /** Applies a new content of a config; on the refresh thread. */
  private void apply(Imported imported, ConfigChangeEvent event) {
    if (closed) {
      return;
    }
    MseConfigDataResource resource = imported.resource;
    MseConfigPropertySource next;
    try {
      next = parse(resource, event.content());
    } catch (ConfigContentParser.InvalidConfigContentException e) {
      log.warn(e.getMessage() + "; the previous properties stay in force");
      return;
    }
    Set<String> changed;
    synchronized (lock) {
      changed = changedNames(imported.current, next);
      if (changed.isEmpty()) {
        log.debug(resource + " changed, but none of its properties did");
        return;
      }
      if (event.removed()) {
        log.warn(resource + " was removed on the server: its properties leave the Environment");
      }
      if (!started) {
        imported.current = next;
        if (context != null) {
          replaceInEnvironment(next);
        }
        pendingConfigs.add(resource.configKey());
        pendingNames.addAll(changed);
        log.info(resource + " changed: " + changed.size() + " properties, applied when the context has started");
        return;
      }
    }
    refreshBeans(Set.of(resource.configKey()), changed, next, imported);
  }

  /**
   * Switches the Environment (when {@code next} is given) and the beans together; on the refresh
   * thread, once the context has started.
   *
   * @param next the new property source of a changed config; null when the Environment holds the
   *     new properties already (changes that arrived during the start)
   * @param imported the config {@code next} belongs to; null with {@code next}
   */
  private void refreshBeans(Set<ConfigKey> configs, Set<String> names, MseConfigPropertySource next,
      Imported imported) {
    ConfigurableApplicationContext target;
    PropertiesRebinder rebinding;
    synchronized (lock) {
      target = context;
      rebinding = rebinder;
    }
    if (closed || target == null || !target.isActive()) {
      return;
    }
    String what = next != null ? imported.resource.toString() : "the configs " + configs;
    long start = System.nanoTime();
    PropertiesRebinder.Rebinding beans;
    try {
      beans = rebinding.stage(target.getEnvironment().getPropertySources(), next, names);
    } catch (PropertiesRebinder.BindingRefusedException e) {
      if (next != null) {
        log.warn(what + " changed, but " + e.getMessage() + ". The change is refused: the previous properties"
            + " stay in force");
      } else {
        log.warn(what + " changed while the application started, but " + e.getMessage());
      }
      return;
    }
    long staged;
    long switched;
    long refreshed;
    try {
      Runnable refreshScope = SpringCloudRefresh.refreshScope(target);
      synchronized (lock) {
        if (closed) {
          return;
        }
        staged = System.nanoTime();
        if (next != null) {
          imported.current = next;
          replaceInEnvironment(next);
        }
        beans.switchBeans();
      }
      switched = System.nanoTime();
      refreshScope.run();
      refreshed = System.nanoTime();
      beans.rebindInPlace();
      SpringCloudRefresh.environmentChanged(target, target.getEnvironment(), names);
      target.publishEvent(new MseConfigChangedEvent(target, configs, names));
    } catch (RuntimeException e) {
      log.warn("Refreshing the beans after a change of " + what + " failed (the Environment holds the new"
          + " properties): " + e, e);
      return;
    }
    if (log.isInfoEnabled()) {
      log.info(String.format("%s changed: %d properties; %d @ConfigurationProperties beans bound off to the side in"
          + " %.1f ms, then the Environment and those beans switched in %.3f ms and the refresh scope right after"
          + " (its refreshAll took %.3f ms)", what, names.size(), beans.beanNames().size(), (staged - start) / 1e6,
          (switched - staged) / 1e6, (refreshed - switched) / 1e6));
    }
    if (log.isDebugEnabled()) {
      log.debug(what + " changed properties: " + names + "; beans rebound: " + beans.beanNames() + " ("
          + beans.writes() + " writes; context " + target.getId() + ")");
    }
  }

  /** Puts {@code next} in place of the property source of its name; with {@link #lock} held. */
  private void replaceInEnvironment(MseConfigPropertySource next) {
    MutablePropertySources sources = context.getEnvironment().getPropertySources();
    if (sources.contains(next.getName())) {
      sources.replace(next.getName(), next);
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
