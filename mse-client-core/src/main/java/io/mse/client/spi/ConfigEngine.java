package io.mse.client.spi;

import io.mse.client.config.ConfigKey;
import java.time.Duration;

/**
 * The config half of an engine: plain server I/O, no caching. The cache layer above it decides what
 * changed, persists snapshots and notifies listeners.
 *
 * <p>Failures to reach the server are reported as {@link io.mse.client.ServerUnavailableException};
 * a transport's checked exception never leaks. Implementations are thread-safe.
 */
public interface ConfigEngine {

  /**
   * Reads a config from the server (never from a failover file or snapshot: the cache layer does).
   *
   * @return the config, or {@code null} when the server holds none under {@code key}
   */
  ConfigData getConfig(ConfigKey key, Duration timeout);

  /**
   * Stores a config.
   *
   * @param type content type; nullable
   * @param casMd5 when not null, store only if the current content's MD5 equals it ("" = must not exist)
   * @return true when stored; false when a compare-and-set did not match
   */
  boolean publishConfig(ConfigKey key, String content, String type, String casMd5);

  /** Removes a config; true when the server accepted. */
  boolean removeConfig(ConfigKey key);

  /**
   * Starts watching a key. From then on, whenever the engine learns the server's config of the key
   * (it may differ from {@code md5}), it reports it to {@link ConfigEventSink#onConfig}. Reporting
   * the same content twice is harmless: the cache layer drops repeats.
   *
   * @param md5 MD5 of the config the client holds now (as {@link #getConfig} or the sink gave it);
   *     null when it holds none
   */
  void watch(ConfigKey key, ContentMd5 md5);

  /** Stops watching a key; unknown keys are ignored. */
  void unwatch(ConfigKey key);
}
