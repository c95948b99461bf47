package io.mse.client.config.internal;

import io.mse.client.config.ConfigKey;
import io.mse.client.config.ConfigListener;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One listened config: its current content (kept fresh by the engine's watch) and its listeners.
 * The state is replaced whole under the entry's lock and read without one.
 */
final class ConfigEntry {

  /** Content and MD5 as one immutable value, so readers never see one without the other. */
  record State(String content, String md5) {}

  final ConfigKey key;
  final CopyOnWriteArrayList<ConfigListener> listeners = new CopyOnWriteArrayList<>();
  /** Null until the starting point is known. */
  volatile State state;
  /** Completed when the starting point is known, or failed when it could not be read. */
  final CompletableFuture<Void> started = new CompletableFuture<>();
  /** Guarded by this: the engine watches this key. */
  boolean watching;

  ConfigEntry(ConfigKey key) {
    this.key = key;
  }
}
