package io.mse.client.spring.config;

import java.util.Set;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.cloud.context.scope.refresh.RefreshScope;
import org.springframework.context.ApplicationContext;

/**
 * The part of a refresh that needs spring-cloud-context (an optional dependency): the only class
 * that names its types. Loading it verifies those types, so its callers check first (with
 * {@link #EVENT}, a name, not a class) that they are there.
 */
final class SpringCloudRefresh {

  /** The name of a class of spring-cloud-context, to check that it is present before using this class. */
  static final String EVENT = "org.springframework.cloud.context.environment.EnvironmentChangeEvent";

  private SpringCloudRefresh() {}

  /**
   * Rebinds, then rebuilds: publishes an {@link EnvironmentChangeEvent} with the changed names (the
   * {@code ConfigurationPropertiesRebinder} rebinds every {@code @ConfigurationProperties} bean on
   * it, and other listeners, such as the logging rebinder, act on it), then drops every
   * {@code @RefreshScope} bean, which its proxy builds again, from the new Environment and the
   * rebound beans, at its next call. Both on the calling thread, one after the other.
   */
  static void rebindAndRebuild(ApplicationContext context, Set<String> propertyNames) {
    // looked up first, so that nothing but the rebinding stands between the two steps
    RefreshScope scope = context.getBeanProvider(RefreshScope.class).getIfAvailable();
    context.publishEvent(new EnvironmentChangeEvent(context, propertyNames));
    if (scope != null) {
      scope.refreshAll();
    }
  }
}
