package io.mse.client.config;

import java.time.Instant;
import java.util.Objects;

/**
 * A config the client listens to, as it holds it now (read from memory by
 * {@link io.mse.client.MseClient#listenedConfigs()}). Immutable and thread-safe.
 *
 * @param key the config's key
 * @param md5 the lowercase hex MD5 of the content held (the server's MD5 when it gave one); "" when
 *     the config does not exist
 * @param lastChanged when the content held was last set (the first read or a change), by the wall
 *     clock of this host; null when not read yet
 * @param listeners how many listeners the config has
 * @param failoverOverride whether a failover file overrides the server's content now
 */
public record ListenedConfig(ConfigKey key, String md5, Instant lastChanged, int listeners, boolean failoverOverride) {

  public ListenedConfig {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(md5, "md5");
  }
}
