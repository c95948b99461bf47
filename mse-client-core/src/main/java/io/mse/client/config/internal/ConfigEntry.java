package io.mse.client.config.internal;

import io.mse.client.config.ConfigKey;
import io.mse.client.config.ConfigListener;
import io.mse.client.spi.Md5;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * One listened config: its current content (kept fresh by the engine's watch) and its listeners.
 * The state is replaced whole under the entry's lock and read without one. Kept small: there is one
 * per listened key, and a client may listen to tens of thousands.
 */
final class ConfigEntry {

  private static final ConfigListener[] NONE = new ConfigListener[0];

  /**
   * Content and MD5 as one immutable value, so readers never see one without the other. The MD5 is
   * kept as two longs (16 bytes instead of a 72-byte hex string); {@link #md5()} spells it.
   */
  record State(String content, long md5High, long md5Low) {

    static State of(String content) {
      if (content == null) {
        return new State(null, 0, 0);
      }
      byte[] hash = Md5.bytes(content);
      return new State(content, Md5.high(hash), Md5.low(hash));
    }

    /** Lowercase hex MD5 of the content's UTF-8 bytes; "" when there is no content. */
    String md5() {
      return content == null ? "" : Md5.hex(md5High, md5Low);
    }

    boolean sameContentAs(State other) {
      return (content == null) == (other.content == null) && md5High == other.md5High && md5Low == other.md5Low;
    }
  }

  final ConfigKey key;
  /** Copy-on-write under this entry's lock; read without one. */
  private volatile ConfigListener[] listeners = NONE;
  /** Null until the starting point is known. */
  volatile State state;
  /**
   * Completed when the starting point is known, or failed when it could not be read; dropped (null)
   * once completed normally, so a started entry holds no future.
   */
  volatile CompletableFuture<Void> started = new CompletableFuture<>();
  /** Guarded by this: the engine watches this key. */
  boolean watching;

  ConfigEntry(ConfigKey key) {
    this.key = key;
  }

  ConfigListener[] listeners() {
    return listeners;
  }

  /** Adds a listener unless an equal one is there; call under this entry's lock. */
  void addListener(ConfigListener listener) {
    for (ConfigListener known : listeners) {
      if (known.equals(listener)) {
        return;
      }
    }
    ConfigListener[] more = Arrays.copyOf(listeners, listeners.length + 1);
    more[listeners.length] = listener;
    listeners = more;
  }

  /** Removes a listener; call under this entry's lock. */
  void removeListener(ConfigListener listener) {
    ConfigListener[] now = listeners;
    for (int i = 0; i < now.length; i++) {
      if (now[i].equals(listener)) {
        ConfigListener[] fewer = new ConfigListener[now.length - 1];
        System.arraycopy(now, 0, fewer, 0, i);
        System.arraycopy(now, i + 1, fewer, i, now.length - i - 1);
        listeners = fewer.length == 0 ? NONE : fewer;
        return;
      }
    }
  }

  boolean hasListeners() {
    return listeners.length > 0;
  }

  /** Marks the starting point known and releases waiters. */
  void markStarted() {
    CompletableFuture<Void> future = started;
    if (future != null) {
      future.complete(null);
      started = null;
    }
  }
}
