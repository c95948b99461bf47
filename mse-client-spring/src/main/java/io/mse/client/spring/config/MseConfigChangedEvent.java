package io.mse.client.spring.config;

import io.mse.client.config.ConfigKey;
import java.util.Set;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEvent;

/**
 * Published in the application context after imported configs changed and the Environment holds
 * their new properties; with spring-cloud-context on the class path, after the
 * {@code @ConfigurationProperties} beans were rebound and the {@code @RefreshScope} beans dropped
 * too. Without spring-cloud-context, listening to this event is how an application reacts to a
 * change. Published on the refresh thread ({@code mse-config-refresh}). Immutable.
 */
public final class MseConfigChangedEvent extends ApplicationEvent {

  private static final long serialVersionUID = 1L;

  private final transient Set<ConfigKey> configs;
  private final Set<String> propertyNames;

  /**
   * @param context the context whose Environment changed
   * @param configs the configs that changed
   * @param propertyNames the names of the properties added, removed or given another value
   */
  public MseConfigChangedEvent(ApplicationContext context, Set<ConfigKey> configs, Set<String> propertyNames) {
    super(context);
    this.configs = Set.copyOf(configs);
    this.propertyNames = Set.copyOf(propertyNames);
  }

  /** Returns the configs that changed; never empty. */
  public Set<ConfigKey> configs() {
    return configs;
  }

  /** Returns the names of the properties added, removed or given another value; never empty. */
  public Set<String> propertyNames() {
    return propertyNames;
  }

  @Override
  public String toString() {
    return "MseConfigChangedEvent[configs=" + configs + ", propertyNames=" + propertyNames + "]";
  }
}
