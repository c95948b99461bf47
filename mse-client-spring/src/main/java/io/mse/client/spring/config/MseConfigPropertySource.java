package io.mse.client.spring.config;

import io.mse.client.config.ConfigKey;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.env.PropertySourceInfo;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.core.env.MapPropertySource;

/**
 * The properties of one imported config, as a property source of the Environment named
 * {@code mse:<namespace>/<group>/<dataId>} ({@link #nameOf}). Immutable: a refresh puts a new
 * instance of the same name at the same place in the Environment's property sources, parsed in the
 * same {@link #format()}. A config that does not exist (an optional import) has an empty one, which
 * holds its place until the config appears. Thread-safe.
 */
public final class MseConfigPropertySource extends MapPropertySource implements PropertySourceInfo,
    OriginLookup<String> {

  /** The prefix of the names of these property sources. */
  public static final String NAME_PREFIX = "mse:";

  private final ConfigKey configKey;
  private final ConfigFormat format;

  /**
   * @param configKey the config
   * @param format the format its content was parsed in
   * @param properties the properties, unmodifiable; values may be {@link OriginTrackedValue}s
   */
  MseConfigPropertySource(ConfigKey configKey, ConfigFormat format, Map<String, Object> properties) {
    super(nameOf(configKey), properties);
    this.configKey = Objects.requireNonNull(configKey, "configKey");
    this.format = Objects.requireNonNull(format, "format");
  }

  /** Returns the name of the property source of a config: {@code mse:public/DEFAULT_GROUP/orders.yaml}. */
  public static String nameOf(ConfigKey key) {
    return NAME_PREFIX + key;
  }

  /** Returns the config these properties come from. */
  public ConfigKey configKey() {
    return configKey;
  }

  /** Returns the format the config's content was parsed in, the same for every refresh. */
  public ConfigFormat format() {
    return format;
  }

  /** Returns the value, without its origin; null when absent. */
  @Override
  public Object getProperty(String name) {
    Object value = super.getProperty(name);
    return value instanceof OriginTrackedValue tracked ? tracked.getValue() : value;
  }

  /** Returns where in the config's content the value was written (line and column), when known. */
  @Override
  public Origin getOrigin(String name) {
    return super.getProperty(name) instanceof OriginTrackedValue tracked ? tracked.getOrigin() : null;
  }

  /** Always true: a change makes a new instance, so Spring Boot may cache what it derived from this one. */
  @Override
  public boolean isImmutable() {
    return true;
  }

  @Override
  public String toString() {
    return "MseConfigPropertySource[" + getName() + ", " + format + ", " + getSource().size() + " properties]";
  }
}
