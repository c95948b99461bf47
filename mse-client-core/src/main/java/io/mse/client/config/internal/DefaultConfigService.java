package io.mse.client.config.internal;

import io.mse.client.ServerUnavailableException;
import io.mse.client.config.ConfigKey;
import io.mse.client.config.ConfigListener;
import io.mse.client.config.ConfigService;
import io.mse.client.internal.FirstValueLatch;
import io.mse.client.NameRules;
import io.mse.client.spi.ConfigEngine;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ConfigService} over the cache and an engine: listened configs are read from memory, others
 * from the server with the snapshot as failover. Thread-safe.
 */
public final class DefaultConfigService implements ConfigService {

  private static final Logger LOG = LoggerFactory.getLogger(DefaultConfigService.class);

  private final String namespace;
  private final ConfigCache cache;
  private final ConfigEngine engine;
  private final Duration requestTimeout;
  /**
   * Orders the engine's watch and unwatch calls with the entry index: each call is made under this
   * lock after checking the index, so an unwatch of a forgotten entry can never undo the watch of a
   * new entry for the same key (and a forgotten entry is never watched). Engines' watch/unwatch only
   * register intent, so no I/O happens under it, and the read path never takes it.
   */
  private final Object watchLock = new Object();

  public DefaultConfigService(String namespace, ConfigCache cache, ConfigEngine engine, Duration requestTimeout) {
    this.namespace = namespace;
    this.cache = cache;
    this.engine = engine;
    this.requestTimeout = requestTimeout;
  }

  @Override
  public String getConfig(String dataId, String group) {
    return getConfig(dataId, group, requestTimeout);
  }

  @Override
  public String getConfig(String dataId, String group, Duration timeout) {
    // Fast path: a listened key is served from memory, with no allocation and no I/O.
    ConfigEntry entry = cache.find(group == null || group.isBlank() ? NameRules.DEFAULT_GROUP : group, dataId == null ? "" : dataId);
    if (entry != null) {
      ConfigEntry.State state = entry.state;
      if (state != null) {
        return state.content();
      }
    }
    ConfigKey key = key(dataId, group);
    checkTimeout(timeout);
    Read read = read(key, timeout);
    if (!read.fromSnapshot) {
      cache.dispatcher().execute(() -> cache.snapshots().writeConfig(key, read.state.content()));
    }
    return read.state.content();
  }

  @Override
  public String getConfigAndAddListener(String dataId, String group, Duration timeout, ConfigListener listener) {
    checkTimeout(timeout);
    ConfigEntry entry = listen(key(dataId, group), listener, timeout);
    return entry.state.content();
  }

  @Override
  public boolean publishConfig(String dataId, String group, String content) {
    return publish(dataId, group, content, null, null);
  }

  @Override
  public boolean publishConfig(String dataId, String group, String content, String type) {
    return publish(dataId, group, content, type, null);
  }

  @Override
  public boolean publishConfigCas(String dataId, String group, String content, String casMd5) {
    Objects.requireNonNull(casMd5, "casMd5");
    if (!casMd5.matches("|[0-9a-fA-F]{32}")) {
      throw new IllegalArgumentException("casMd5 '" + casMd5 + "' is invalid: it is 32 hex digits, or \"\" to"
          + " require that the config does not exist");
    }
    return publish(dataId, group, content, null, casMd5.toLowerCase(java.util.Locale.ROOT));
  }

  @Override
  public boolean removeConfig(String dataId, String group) {
    ConfigKey key = key(dataId, group);
    boolean removed = engine.removeConfig(key);
    if (removed) {
      // A removed config must not come back from the snapshot when the server is down later.
      cache.dispatcher().execute(() -> cache.snapshots().writeConfig(key, null));
    }
    return removed;
  }

  @Override
  public void addListener(String dataId, String group, ConfigListener listener) {
    listen(key(dataId, group), listener, requestTimeout);
  }

  @Override
  public void removeListener(String dataId, String group, ConfigListener listener) {
    Objects.requireNonNull(listener, "listener");
    ConfigEntry entry = cache.find(NameRules.group(group), NameRules.dataId(dataId));
    if (entry == null) {
      return;
    }
    boolean stop;
    synchronized (entry) {
      entry.removeListener(listener);
      stop = !entry.hasListeners() && entry.watching;
      if (stop) {
        entry.watching = false;
        cache.forget(entry);
      }
    }
    if (stop) {
      synchronized (watchLock) {
        if (cache.find(entry.key.group(), entry.key.dataId()) == null) {
          engine.unwatch(entry.key);
          LOG.debug("Stopped listening to '{}'", entry.key);
        }
      }
    }
  }

  private ConfigEntry listen(ConfigKey key, ConfigListener listener, Duration timeout) {
    Objects.requireNonNull(listener, "listener");
    while (true) {
      ConfigEntry entry = cache.entry(key);
      boolean start;
      synchronized (entry) {
        if (cache.find(key.group(), key.dataId()) != entry) {
          continue; // removed by a concurrent removeListener: take the new entry
        }
        entry.addListener(listener);
        start = !entry.watching;
        entry.watching = true;
      }
      if (start) {
        Read read;
        try {
          read = read(key, timeout);
        } catch (RuntimeException e) {
          synchronized (entry) {
            entry.removeListener(listener);
            entry.watching = false;
            cache.forget(entry);
          }
          FirstValueLatch started = entry.started;
          if (started != null) {
            started.fail(e);
          }
          throw e;
        }
        ConfigEntry.State held = cache.initialize(entry, read.state, read.fromFailover);
        synchronized (watchLock) {
          if (cache.find(key.group(), key.dataId()) == entry) {
            engine.watch(key, held.md5());
            LOG.debug("Listening to '{}'", key);
          }
        }
      } else {
        FirstValueLatch started = entry.started;
        if (started != null) {
          started.await(timeout, entry.key);
        }
      }
      return entry;
    }
  }

  /** A config as read for a caller: from the failover directory, the server or the snapshot. */
  private record Read(ConfigEntry.State state, boolean fromSnapshot, boolean fromFailover) {}

  /**
   * Reads a config: the failover directory's file when there is one, else the server, else (when the
   * server cannot be reached) the snapshot. Writes no snapshot: the caller does, once.
   */
  private Read read(ConfigKey key, Duration timeout) {
    Optional<String> overriding = cache.failoverContent(key);
    if (overriding.isPresent()) {
      return new Read(ConfigEntry.State.ofContent(overriding.get()), false, true);
    }
    try {
      Read read = new Read(ConfigEntry.State.of(engine.getConfig(key, timeout)), false, false);
      cache.readFromServer();
      return read;
    } catch (ServerUnavailableException e) {
      Optional<String> snapshot = cache.snapshots().readConfig(key);
      if (snapshot.isPresent()) {
        cache.servedFromSnapshot(key, e);
        cache.stats().configSnapshotRead();
        return new Read(ConfigEntry.State.ofContent(snapshot.get()), true, false);
      }
      throw e;
    }
  }

  private boolean publish(String dataId, String group, String content, String type, String casMd5) {
    ConfigKey key = key(dataId, group);
    if (content == null) {
      throw new IllegalArgumentException("content of '" + key + "' is null: use removeConfig to remove a config");
    }
    if (content.isBlank()) {
      // Nacos 2.5.1 and 3.0.3 answer 400 "content is blank"
      throw new IllegalArgumentException("content of '" + key + "' is blank: a config has some non-blank content"
          + " (use removeConfig to remove a config)");
    }
    return engine.publishConfig(key, content, type, casMd5);
  }

  private ConfigKey key(String dataId, String group) {
    return new ConfigKey(namespace, group, dataId);
  }

  private static void checkTimeout(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout " + timeout + " is invalid: it must be positive");
    }
  }
}
