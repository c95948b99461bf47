package io.mse.client.dubbo.config;

import io.mse.client.MseException;
import io.mse.client.NameRules;
import io.mse.client.config.ConfigChangeEvent;
import io.mse.client.config.ConfigService;
import io.mse.client.dubbo.registry.SharedClients;
import java.time.Duration;
import org.apache.dubbo.common.config.configcenter.ConfigChangeType;
import org.apache.dubbo.common.config.configcenter.ConfigChangedEvent;
import org.apache.dubbo.common.config.configcenter.ConfigItem;
import org.apache.dubbo.common.config.configcenter.ConfigurationListener;
import org.apache.dubbo.common.config.configcenter.DynamicConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dubbo's config center on an mse-client {@link ConfigService}, as Dubbo's Nacos config center 3.3 uses
 * Nacos: a Dubbo key is a dataId, a Dubbo group a Nacos group (blank: {@code DEFAULT_GROUP}); Dubbo's
 * override and router rules ({@code <application>.configurators}, {@code <service>.condition-router},
 * {@code <application>.tag-router}, in group {@code dubbo}) and {@code dubbo.properties} live there.
 *
 * <p>Reads that fail (the server cannot be reached and there is no snapshot, or a key the server would
 * refuse) are logged and answered with null, as Dubbo's Nacos config center does. Listeners are called
 * on this config center's own thread and never lost (see {@link ConfigWatches}). A compare-and-set's
 * ticket is the MD5 of the content read ({@link #getConfigItem}), or "" for an absent config (created only
 * if still absent). Thread-safe; {@link #close()} stops the listeners and lets go of the client.
 */
final class MseDynamicConfiguration implements DynamicConfiguration {

  /** Dubbo's Nacos config center's default timeout of a read, in milliseconds: {@value}. */
  static final long DEFAULT_TIMEOUT_MILLIS = 5000;
  private static final Logger LOG = LoggerFactory.getLogger(MseDynamicConfiguration.class);

  private final SharedClients.Lease lease;
  private final ConfigService config;
  private final ConfigWatches watches;

  MseDynamicConfiguration(SharedClients.Lease lease) {
    this.lease = lease;
    this.config = lease.client().config();
    this.watches = new ConfigWatches(config, Duration.ofMillis(DEFAULT_TIMEOUT_MILLIS), "mse-dubbo-config-notify");
  }

  @Override
  public void addListener(String key, String group, ConfigurationListener listener) {
    try {
      watches.add(key, group(group), listener, event -> listener.process(toDubbo(event)));
    } catch (IllegalArgumentException e) {
      LOG.warn("Not listening to config '{}' of group '{}': {}", key, group, e.getMessage());
    }
  }

  @Override
  public void removeListener(String key, String group, ConfigurationListener listener) {
    try {
      watches.remove(key, group(group), listener);
    } catch (IllegalArgumentException e) {
      LOG.debug("No listener of config '{}' of group '{}': {}", key, group, e.getMessage());
    }
  }

  /**
   * Returns a config's content, null when it is absent or cannot be read.
   *
   * @param timeout milliseconds; 0 or less for {@value #DEFAULT_TIMEOUT_MILLIS}
   */
  @Override
  public String getConfig(String key, String group, long timeout) {
    try {
      return config.getConfig(key, group(group), Duration.ofMillis(timeout > 0 ? timeout : DEFAULT_TIMEOUT_MILLIS));
    } catch (MseException | IllegalArgumentException e) {
      LOG.warn("Could not read config '{}' of group '{}': {}", key, group, e.getMessage());
      return null;
    }
  }

  /** Returns the content and, as the ticket of a later compare-and-set, its MD5 ("" when absent). */
  @Override
  public ConfigItem getConfigItem(String key, String group) {
    String content = getConfig(key, group);
    return new ConfigItem(content, content == null || content.isEmpty() ? "" : Md5Hex.of(content));
  }

  @Override
  public Object getInternalProperty(String key) {
    return getConfig(key, NameRules.DEFAULT_GROUP, DEFAULT_TIMEOUT_MILLIS);
  }

  @Override
  public boolean publishConfig(String key, String group, String content) {
    try {
      return config.publishConfig(key, group(group), content);
    } catch (MseException e) {
      LOG.warn("Could not publish config '{}' of group '{}': {}", key, group, e.getMessage());
      return false;
    }
  }

  /**
   * Publishes only if the config's MD5 is still {@code ticket}'s (a {@link #getConfigItem} ticket).
   *
   * @throws IllegalArgumentException when the ticket is not a String
   */
  @Override
  public boolean publishConfigCas(String key, String group, String content, Object ticket) {
    if (!(ticket instanceof String)) {
      throw new IllegalArgumentException("ticket " + ticket + " is invalid: it is the String of getConfigItem");
    }
    try {
      return config.publishConfigCas(key, group(group), content, (String) ticket);
    } catch (MseException e) {
      LOG.warn("Could not publish config '{}' of group '{}': {}", key, group, e.getMessage());
      return false;
    }
  }

  @Override
  public boolean removeConfig(String key, String group) {
    try {
      return config.removeConfig(key, group(group));
    } catch (MseException e) {
      LOG.warn("Could not remove config '{}' of group '{}': {}", key, group, e.getMessage());
      return false;
    }
  }

  @Override
  public long getDefaultTimeout() {
    return DEFAULT_TIMEOUT_MILLIS;
  }

  @Override
  public void close() {
    watches.close();
    lease.close();
  }

  /** Dubbo's event of a client change: deleted when removed, added when there was none, else modified. */
  static ConfigChangedEvent toDubbo(ConfigChangeEvent event) {
    ConfigChangeType type = event.removed() ? ConfigChangeType.DELETED
        : event.previousContent() == null ? ConfigChangeType.ADDED : ConfigChangeType.MODIFIED;
    return new ConfigChangedEvent(event.key().dataId(), event.key().group(), event.content(), type);
  }

  private static String group(String group) {
    return group == null || group.isBlank() ? NameRules.DEFAULT_GROUP : group;
  }
}
