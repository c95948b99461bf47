package io.mse.client.spi;

import io.mse.client.config.ConfigKey;

/** Where an engine reports what it learned of watched configs. Thread-safe; never blocks on I/O. */
public interface ConfigEventSink {

  /**
   * The server's current content of a watched key.
   *
   * @param content the content, or {@code null} when the config no longer exists
   */
  void onConfig(ConfigKey key, String content);
}
