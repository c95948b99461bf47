package io.mse.client.config.internal;

import io.mse.client.config.ConfigKey;
import io.mse.client.config.ConfigListener;
import io.mse.client.internal.FirstValueLatch;
import io.mse.client.spi.ConfigData;
import io.mse.client.spi.ContentMd5;
import java.util.Arrays;

/**
 * One listened config: its current content (kept fresh by the engine's watch) and its listeners.
 * The state is replaced whole under the entry's lock and read without one. Kept small: there is one
 * per listened key, and a client may listen to tens of thousands.
 */
final class ConfigEntry {

  private static final ConfigListener[] NONE = new ConfigListener[0];

  /**
   * Content and MD5 as one immutable value, so readers never see one without the other. The MD5 is
   * the server's when it gave one, else the content's, computed once; the same object is handed to
   * the engine for its next comparison with the server.
   */
  record State(String content, ContentMd5 md5) {

    static final State ABSENT = new State(null, null);

    /** The state of a config the engine reported; hashes the content only when no MD5 came. */
    static State of(ConfigData data) {
      return data == null ? ABSENT : new State(data.content(), data.md5OrHash());
    }

    /** The state of a content from elsewhere (a failover file, a snapshot); null meaning none. */
    static State ofContent(String content) {
      return content == null ? ABSENT : new State(content, ContentMd5.of(content));
    }

    /** Lowercase hex MD5; "" when there is no content. */
    String md5Hex() {
      return ContentMd5.hex(md5);
    }

    /**
     * Same MD5, or the same content under MD5s of different sources (a server's encrypted-text MD5
     * and a file's content MD5).
     */
    boolean sameAs(State other) {
      return java.util.Objects.equals(md5, other.md5) || java.util.Objects.equals(content, other.content);
    }
  }

  final ConfigKey key;
  /** Copy-on-write under this entry's lock; read without one. */
  private volatile ConfigListener[] listeners = NONE;
  /** Null until the starting point is known. */
  volatile State state;
  /**
   * Released when the starting point is known, or failed when it could not be read; dropped (null)
   * once released, so a started entry holds no latch.
   */
  volatile FirstValueLatch started = new FirstValueLatch();
  /**
   * Guarded by this: while the failover directory overrides this key, the server's config as the
   * engine last reported it (restored when the file is removed); null when not overridden.
   */
  State serverWhileOverridden;
  /** When {@link #state} was last set, epoch ms (wall clock); 0 before. */
  volatile long changedAtMillis;
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
    FirstValueLatch latch = started;
    if (latch != null) {
      latch.release();
      started = null;
    }
  }
}
