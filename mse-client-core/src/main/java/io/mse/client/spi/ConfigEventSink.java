package io.mse.client.spi;

import io.mse.client.config.ConfigKey;

/** Where an engine reports what it learned of watched configs. Thread-safe; never blocks on I/O. */
public interface ConfigEventSink {

  /**
   * The server's current config of a watched key. The engine reports facts only: the cache layer
   * drops repeats, applies the failover directory, writes the snapshot and notifies listeners.
   *
   * @param data the config with the server's MD5 when the protocol gives one, or {@code null} when
   *     the config no longer exists
   * @return the MD5 the client now holds for the server's config of this key ({@code data}'s own, or
   *     its content's, hashed once here); null when {@code data} is null. An engine that compares
   *     MD5s with the server (Nacos long polling) keeps it for its next comparison.
   */
  ContentMd5 onConfig(ConfigKey key, ConfigData data);
}
