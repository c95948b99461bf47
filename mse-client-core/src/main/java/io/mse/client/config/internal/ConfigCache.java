package io.mse.client.config.internal;

import io.mse.client.MseClientConfig;
import io.mse.client.config.ConfigChangeEvent;
import io.mse.client.config.ConfigKey;
import io.mse.client.config.ConfigListener;
import io.mse.client.internal.Dispatcher;
import io.mse.client.internal.KeyIndex;
import io.mse.client.internal.SnapshotStore;
import io.mse.client.spi.ConfigData;
import io.mse.client.spi.ConfigEventSink;
import io.mse.client.spi.ContentMd5;
import io.mse.client.config.ListenedConfig;
import io.mse.client.spi.StatsRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine-neutral config cache: holds the content of every listened config, decides from MD5s
 * (the server's, else the content's hashed once here) whether a config the engine reports is a
 * change, applies the failover directory, and if so notifies the listeners (in order, on the
 * notification thread) and writes the snapshot. Thread-safe.
 */
public final class ConfigCache implements ConfigEventSink {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigCache.class);

  private final KeyIndex<ConfigEntry> entries = new KeyIndex<>();
  private final Dispatcher dispatcher;
  private final SnapshotStore snapshots;
  private final FailoverDirectory failover;
  private final Duration failoverInterval;
  private final AtomicBoolean failoverChecked = new AtomicBoolean();
  /** Entries the failover directory overrides now. */
  private final Set<ConfigEntry> overridden = ConcurrentHashMap.newKeySet();
  private final Set<ConfigKey> failoverReadsLogged = ConcurrentHashMap.newKeySet();
  private final StatsRecorder stats;

  /** As the other constructor, counting into a recorder of its own (tests). */
  public ConfigCache(Dispatcher dispatcher, SnapshotStore snapshots, MseClientConfig settings) {
    this(dispatcher, snapshots, settings, new StatsRecorder());
  }
  /** True while configs are served from snapshots because the server cannot be reached (logged once). */
  private final AtomicBoolean servingSnapshots = new AtomicBoolean();

  /**
   * @param settings the client's settings, for the failover directory ({@code failoverDir},
   *     {@code failoverCheckMillis})
   * @param stats where snapshot reads and delivered changes are counted
   * @throws IllegalArgumentException when a failover setting is malformed
   */
  public ConfigCache(Dispatcher dispatcher, SnapshotStore snapshots, MseClientConfig settings, StatsRecorder stats) {
    this.stats = stats;
    this.dispatcher = dispatcher;
    this.snapshots = snapshots;
    this.failover = FailoverDirectory.of(settings, snapshots);
    this.failoverInterval = FailoverDirectory.checkInterval(settings);
  }

  /** Returns the entry of a listened key, or null; allocation-free. */
  ConfigEntry find(String group, String dataId) {
    return entries.get(group, dataId);
  }

  ConfigEntry entry(ConfigKey key) {
    return entries.computeIfAbsent(key.group(), key.dataId(), (g, d) -> new ConfigEntry(key));
  }

  void forget(ConfigEntry entry) {
    entries.remove(entry.key.group(), entry.key.dataId(), entry);
    overridden.remove(entry);
  }

  Collection<ConfigEntry> entries() {
    return entries.values();
  }

  /** Returns what is held of every listened config, from memory; weakly consistent. */
  public List<ListenedConfig> listened() {
    List<ListenedConfig> listened = new ArrayList<>();
    for (ConfigEntry entry : entries.values()) {
      if (!entry.hasListeners()) {
        continue;
      }
      ConfigEntry.State state = entry.state;
      long at = entry.changedAtMillis;
      listened.add(new ListenedConfig(entry.key, state == null ? "" : state.md5Hex(),
          at == 0 ? null : Instant.ofEpochMilli(at), entry.listeners().length, overridden.contains(entry)));
    }
    return listened;
  }

  SnapshotStore snapshots() {
    return snapshots;
  }

  StatsRecorder stats() {
    return stats;
  }

  /** Returns the keys with at least one listener now; walks the entries (for a gauge, not a hot path). */
  public int listenedKeys() {
    int n = 0;
    for (ConfigEntry entry : entries.values()) {
      if (entry.hasListeners()) {
        n++;
      }
    }
    return n;
  }

  Dispatcher dispatcher() {
    return dispatcher;
  }

  /**
   * Returns the content the failover directory holds for {@code key}, logging once per episode that
   * reads are served from it.
   */
  Optional<String> failoverContent(ConfigKey key) {
    Optional<String> content = failover.read(key);
    if (content.isPresent()) {
      if (failoverReadsLogged.add(key)) {
        LOG.info("Serving '{}' from the failover file '{}'", key, failover.file(key));
      }
    } else {
      failoverReadsLogged.remove(key);
    }
    return content;
  }

  /**
   * Notes that {@code key} is served from its snapshot because the server could not be reached:
   * the first of an episode is logged at WARN (whatever the key), the others at DEBUG, so that a
   * server down costs one WARN for all configs, not one per key or per read.
   */
  void servedFromSnapshot(ConfigKey key, RuntimeException cause) {
    if (servingSnapshots.compareAndSet(false, true)) {
      LOG.warn("Serving configs from their snapshots while the server cannot be reached (first: '{}'; further"
          + " ones logged at DEBUG until a config is read from the server again): {}", key, cause.getMessage());
    } else {
      LOG.debug("Serving the snapshot of '{}': {}", key, cause.getMessage());
    }
  }

  /** Notes that a config was read from the server: ends an episode of serving snapshots. */
  void readFromServer() {
    if (servingSnapshots.get() && servingSnapshots.compareAndSet(true, false)) {
      LOG.info("Configs are read from the server again");
    }
  }

  /**
   * Sets the starting point of an entry unless the engine already reported a newer config, writes
   * its snapshot (the only write of a first read) and starts checking the failover directory.
   *
   * @param fromFailover true when {@code read} is a failover file's content
   * @return the state held, whose MD5 the engine's watch starts from
   */
  ConfigEntry.State initialize(ConfigEntry entry, ConfigEntry.State read, boolean fromFailover) {
    ConfigEntry.State held;
    synchronized (entry) {
      if (fromFailover && entry.serverWhileOverridden == null) {
        // the file wins even over a report that came first; the server's config is reported by the
        // watch when it differs from the file's
        entry.serverWhileOverridden = entry.state == null ? read : entry.state;
        overridden.add(entry);
        if (entry.state != null) {
          change(entry, read);
        }
      }
      if (entry.state == null) {
        entry.state = read;
        entry.changedAtMillis = System.currentTimeMillis();
      }
      held = entry.state;
      // queued under the entry's lock, so a change reported meanwhile is written after it, not before
      dispatcher.execute(() -> snapshots.writeConfig(entry.key, held.content()));
    }
    entry.markStarted();
    if (failoverChecked.compareAndSet(false, true)) {
      dispatcher.every("check of the failover directory '" + failover.root() + "'", failoverInterval,
          this::checkFailover);
    }
    return held;
  }

  @Override
  public ContentMd5 onConfig(ConfigKey key, ConfigData data) {
    readFromServer();
    ConfigEntry.State next = ConfigEntry.State.of(data);
    ConfigEntry entry = entries.get(key.group(), key.dataId());
    if (entry == null || !entry.key.equals(key)) {
      LOG.debug("Ignoring a report for '{}', which nobody listens to", key);
      return next.md5();
    }
    synchronized (entry) {
      if (entry.serverWhileOverridden != null) {
        entry.serverWhileOverridden = next;
        LOG.debug("'{}' changed on the server but the failover directory overrides it", key);
      } else {
        change(entry, next);
      }
    }
    return next.md5();
  }

  /** Replaces the entry's state unless it is the same; call under the entry's lock. */
  private void change(ConfigEntry entry, ConfigEntry.State next) {
    ConfigEntry.State previous = entry.state;
    if (previous != null && previous.sameAs(next)) {
      return;
    }
    entry.state = next;
    entry.changedAtMillis = System.currentTimeMillis();
    ConfigChangeEvent event = new ConfigChangeEvent(entry.key, next.content(), next.md5Hex(),
        previous == null ? null : previous.content());
    LOG.debug("Config '{}' changed to md5 '{}'", entry.key, event.md5());
    // Queued under the entry's lock, so events of one key reach the queue in order of change.
    dispatcher.execute(() -> notifyListeners(entry, event));
  }

  /** Compares the failover directory with every listened key (on the notification thread). */
  void checkFailover() {
    if (!failover.present() && overridden.isEmpty()) {
      return;
    }
    for (ConfigEntry entry : entries.values()) {
      if (entry.state != null) {
        checkFailover(entry, failover.read(entry.key));
      }
    }
  }

  private void checkFailover(ConfigEntry entry, Optional<String> file) {
    synchronized (entry) {
      if (file.isPresent()) {
        if (entry.serverWhileOverridden == null) {
          entry.serverWhileOverridden = entry.state;
          overridden.add(entry);
        }
        if (!file.get().equals(entry.state.content())) {
          LOG.info("The failover file '{}' overrides '{}'", failover.file(entry.key), entry.key);
          change(entry, ConfigEntry.State.ofContent(file.get()));
        }
      } else if (entry.serverWhileOverridden != null) {
        ConfigEntry.State server = entry.serverWhileOverridden;
        entry.serverWhileOverridden = null;
        overridden.remove(entry);
        LOG.info("The failover file of '{}' was removed; back to the server's content", entry.key);
        change(entry, server);
      }
    }
  }

  private void notifyListeners(ConfigEntry entry, ConfigChangeEvent event) {
    ConfigListener[] listeners = entry.listeners();
    if (listeners.length > 0) {
      stats.configChangeDelivered();
    }
    for (ConfigListener listener : listeners) {
      Dispatcher.deliver("config listener of '" + entry.key + "'", listener.executor(),
          () -> listener.onChange(event));
    }
    snapshots.writeConfig(event.key(), event.content());
  }
}
