package io.mse.client.spring.config;

import io.mse.client.config.ConfigKey;
import java.util.List;
import java.util.Objects;
import org.springframework.boot.context.config.ConfigDataResource;

/**
 * One config to import, resolved from a {@code spring.config.import} location such as
 * {@code mse:orders.yaml?group=ORDERS&refresh=false}: its key (namespace, group, dataId), format,
 * whether it follows changes, and whether it may be absent. Two resources are equal when their keys
 * are, so importing the same config twice loads it once (Spring Boot's rule for any resource).
 * Immutable and thread-safe.
 */
public final class MseConfigDataResource extends ConfigDataResource {

  private final ConfigKey configKey;
  private final ConfigFormat format;
  private final boolean refresh;
  private final boolean preferRemote;
  private final boolean optional;
  private final List<String> profiles;
  private final String serverAddr;

  /**
   * @param configKey the config
   * @param format the format its content is parsed in, now and on every refresh
   * @param refresh whether later changes are applied to the Environment
   * @param preferRemote whether the config's properties win over profile-specific local files too
   *     ({@code preference=remote})
   * @param optional whether the import was {@code optional:}
   * @param profiles the accepted profiles, for documents with {@code spring.config.activate.on-profile}
   * @param serverAddr the server, for messages
   */
  MseConfigDataResource(ConfigKey configKey, ConfigFormat format, boolean refresh, boolean preferRemote,
      boolean optional, List<String> profiles, String serverAddr) {
    super(optional);
    this.configKey = Objects.requireNonNull(configKey, "configKey");
    this.format = Objects.requireNonNull(format, "format");
    this.refresh = refresh;
    this.preferRemote = preferRemote;
    this.optional = optional;
    this.profiles = List.copyOf(profiles);
    this.serverAddr = Objects.requireNonNull(serverAddr, "serverAddr");
  }

  /** Returns the config's namespace, group and dataId. */
  public ConfigKey configKey() {
    return configKey;
  }

  /** Returns the format the content is parsed in. */
  public ConfigFormat format() {
    return format;
  }

  /** Returns whether later changes of the config are applied to the Environment. */
  public boolean refresh() {
    return refresh;
  }

  /** Returns whether the import was {@code optional:} (an absent config then loads nothing). */
  public boolean optional() {
    return optional;
  }

  /** Returns whether the config's properties also win over profile-specific local files. */
  public boolean preferRemote() {
    return preferRemote;
  }

  /** Returns the profiles accepted when the import was resolved (the default profiles when none is active). */
  public List<String> profiles() {
    return profiles;
  }

  /** Returns the name of the property source this config becomes. */
  public String propertySourceName() {
    return MseConfigPropertySource.nameOf(configKey);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof MseConfigDataResource that && configKey.equals(that.configKey);
  }

  @Override
  public int hashCode() {
    return configKey.hashCode();
  }

  /**
   * Names the config as messages show it, Spring Boot's "cannot be found" included:
   * {@code mse config [dataId=orders.yaml, group=DEFAULT_GROUP, namespace=public, server=127.0.0.1:8848]}.
   */
  @Override
  public String toString() {
    return "mse config [dataId=" + configKey.dataId() + ", group=" + configKey.group() + ", namespace="
        + (configKey.namespace().isEmpty() ? "public" : configKey.namespace()) + ", server=" + serverAddr + "]";
  }
}
