package io.mse.client.config.internal;

import io.mse.client.config.ConfigChangeEvent;
import io.mse.client.config.ConfigKey;
import io.mse.client.config.ConfigListener;
import io.mse.client.internal.Dispatcher;
import io.mse.client.internal.KeyIndex;
import io.mse.client.internal.SnapshotStore;
import io.mse.client.spi.ConfigEventSink;
import java.util.Collection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine-neutral config cache: holds the content of every listened config, decides from MD5s
 * whether a content the engine reports is a change, and if so notifies the listeners (in order, on
 * the notification thread) and writes the snapshot. Thread-safe.
 */
public final class ConfigCache implements ConfigEventSink {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigCache.class);

  private final KeyIndex<ConfigEntry> entries = new KeyIndex<>();
  private final Dispatcher dispatcher;
  private final SnapshotStore snapshots;

  public ConfigCache(Dispatcher dispatcher, SnapshotStore snapshots) {
    this.dispatcher = dispatcher;
    this.snapshots = snapshots;
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
  }

  Collection<ConfigEntry> entries() {
    return entries.values();
  }

  SnapshotStore snapshots() {
    return snapshots;
  }

  Dispatcher dispatcher() {
    return dispatcher;
  }

  /** Sets the starting point of an entry unless the engine already reported a newer content. */
  void initialize(ConfigEntry entry, String content) {
    String held;
    synchronized (entry) {
      if (entry.state == null) {
        entry.state = ConfigEntry.State.of(content);
      }
      held = entry.state.content();
    }
    entry.markStarted();
    // The content held, which may be newer than the one read if the engine reported a change.
    dispatcher.execute(() -> snapshots.writeConfig(entry.key, held));
  }

  @Override
  public void onConfig(ConfigKey key, String content) {
    ConfigEntry entry = entries.get(key.group(), key.dataId());
    if (entry == null || !entry.key.equals(key)) {
      LOG.debug("Ignoring a report for '{}', which nobody listens to", key);
      return;
    }
    ConfigEntry.State next = ConfigEntry.State.of(content);
    synchronized (entry) {
      ConfigEntry.State previous = entry.state;
      if (previous != null && previous.sameContentAs(next)) {
        return;
      }
      entry.state = next;
      String md5 = next.md5();
      ConfigChangeEvent event = new ConfigChangeEvent(key, content, md5,
          previous == null ? null : previous.content());
      LOG.debug("Config '{}' changed to md5 '{}'", key, md5);
      // Queued under the entry's lock, so events of one key reach the queue in order of change.
      dispatcher.execute(() -> notifyListeners(entry, event));
    }
  }

  private void notifyListeners(ConfigEntry entry, ConfigChangeEvent event) {
    for (ConfigListener listener : entry.listeners()) {
      Dispatcher.deliver("config listener of '" + entry.key + "'", listener.executor(),
          () -> listener.onChange(event));
    }
    snapshots.writeConfig(event.key(), event.content());
  }
}
