package io.mse.client.spring.config;

import java.util.Set;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.cloud.context.properties.ConfigurationPropertiesRebinder;
import org.springframework.cloud.context.scope.refresh.RefreshScope;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * The part of a refresh that needs spring-cloud-context (an optional dependency): the only class
 * that names its types, loaded only when they are present (each method checks first, with
 * {@link #EVENT}, a name, not a class). Without spring-cloud-context every method does nothing.
 */
final class SpringCloudRefresh {

  /** The name of a class of spring-cloud-context, to check that it is present before using this class. */
  static final String EVENT = "org.springframework.cloud.context.environment.EnvironmentChangeEvent";

  private SpringCloudRefresh() {}

  private static boolean present(ApplicationContext context) {
    return ClassUtils.isPresent(EVENT, context.getClassLoader());
  }

  /**
   * Returns what drops every {@code @RefreshScope} bean ({@code RefreshScope.refreshAll()}: its
   * cache is cleared at once, so the next call through a bean's proxy builds it again from the
   * current Environment and beans; then the old instances are destroyed as their calls end), looked
   * up now so that running it is all that is left to do; a no-op without a refresh scope.
   */
  static Runnable refreshScope(ApplicationContext context) {
    if (!present(context)) {
      return () -> { };
    }
    return Cloud.refreshScope(context);
  }

  /**
   * Tells the listeners of Spring Cloud's {@link EnvironmentChangeEvent} (the logging rebinder applies
   * {@code logging.level.*}, an application's own) which names changed. The event's source is
   * {@code source}, not the context, so that Spring Cloud's {@code ConfigurationPropertiesRebinder},
   * which rebinds on events from the context only, leaves the beans alone: they are rebound already.
   */
  static void environmentChanged(ApplicationContext context, Object source, Set<String> names) {
    if (present(context)) {
      Cloud.environmentChanged(context, source, names);
    }
  }

  /**
   * Rebinds one bean through Spring Cloud's {@code ConfigurationPropertiesRebinder} (which runs its
   * lifecycle callbacks again); false when there is no such rebinder.
   */
  static boolean rebind(ApplicationContext context, String beanName) {
    return present(context) && Cloud.rebind(context, beanName);
  }

  /** Names Spring Cloud's types; loaded only once they are known to be present. */
  private static final class Cloud {
    private Cloud() {}

    static Runnable refreshScope(ApplicationContext context) {
      RefreshScope scope = context.getBeanProvider(RefreshScope.class).getIfAvailable();
      return scope == null ? () -> { } : scope::refreshAll;
    }

    static void environmentChanged(ApplicationContext context, Object source, Set<String> names) {
      context.publishEvent(new EnvironmentChangeEvent(source, names));
    }

    static boolean rebind(ApplicationContext context, String beanName) {
      ConfigurationPropertiesRebinder rebinder = context.getBeanProvider(ConfigurationPropertiesRebinder.class)
          .getIfAvailable();
      return rebinder != null && rebinder.rebind(beanName);
    }
  }
}
