package io.mse.client.spring.config;

import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBean;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.PropertySource;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * Rebinds the {@code @ConfigurationProperties} beans a change concerns without a reader ever seeing
 * a default or a part-built value: each is bound, off to the side, into a fresh instance of its class
 * against the staged property sources (see {@link StagedPropertiesBinder}); then, in one short step
 * that only writes references, the fresh values are copied onto the live bean (see
 * {@link BeanPropertiesCopier}).
 *
 * <p>Which beans: those of {@link LivePropertiesBeans} whose prefix is one of the changed names or
 * an ancestor of one (the empty prefix counts for every name), except the classes and bean names of
 * {@code spring.cloud.refresh.never-refreshable} (Spring Cloud's property, default
 * {@code com.zaxxer.hikari.HikariDataSource}). A bean whose class has no no-argument constructor, or
 * has lifecycle callbacks ({@code InitializingBean}, {@code DisposableBean}, {@code @PostConstruct},
 * {@code @PreDestroy}) that a rebinding must run again, is bound in place after the step instead (by
 * Spring Cloud's {@code ConfigurationPropertiesRebinder} when present, which runs them, else by the
 * binder directly). Used on the refresh thread only; not thread-safe.
 */
final class PropertiesRebinder {

  private static final String NEVER_REFRESHABLE = "spring.cloud.refresh.never-refreshable";
  private static final String NEVER_REFRESHABLE_DEFAULT = "com.zaxxer.hikari.HikariDataSource";
  private static final Set<String> LIFECYCLE_ANNOTATIONS = Set.of("jakarta.annotation.PostConstruct",
      "jakarta.annotation.PreDestroy", "javax.annotation.PostConstruct", "javax.annotation.PreDestroy");

  private final ConfigurableApplicationContext context;
  private final LivePropertiesBeans beans;
  private final StagedPropertiesBinder binder;

  PropertiesRebinder(ConfigurableApplicationContext context, LivePropertiesBeans beans) {
    this.context = context;
    this.beans = beans;
    this.binder = new StagedPropertiesBinder(context);
  }

  /** A bean that could not be bound to the staged properties; the change is refused. */
  static final class BindingRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BindingRefusedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The rebinding of one change, bound and planned; {@link #switchBeans()} then
   * {@link #rebindInPlace()} apply it.
   */
  final class Rebinding {
    private final List<String> staged;
    private final List<BeanPropertiesCopier.Plan> plans;
    private final List<ConfigurationPropertiesBean> inPlace;

    private Rebinding(List<String> staged, List<BeanPropertiesCopier.Plan> plans,
        List<ConfigurationPropertiesBean> inPlace) {
      this.staged = staged;
      this.plans = plans;
      this.inPlace = inPlace;
    }

    /** Copies the fresh values onto the live beans: the short step; only writes. */
    void switchBeans() {
      for (BeanPropertiesCopier.Plan plan : plans) {
        plan.run();
      }
    }

    /**
     * Binds, in place and after the step, the beans that could not be staged (the Environment has
     * changed by then).
     */
    void rebindInPlace() {
      for (ConfigurationPropertiesBean bean : inPlace) {
        if (!SpringCloudRefresh.rebind(context, bean.getName())) {
          binder.stage(context.getEnvironment().getPropertySources(), null);
          binder.bind(bean, bean.getInstance());
        }
      }
    }

    /** Returns the names of the beans rebound, staged ones first. */
    List<String> beanNames() {
      List<String> names = new ArrayList<>(staged);
      inPlace.forEach(bean -> names.add(bean.getName()));
      return names;
    }

    /** Returns the number of writes of the step. */
    int writes() {
      return plans.stream().mapToInt(BeanPropertiesCopier.Plan::size).sum();
    }
  }

  /**
   * Binds the beans that {@code changedNames} concern against the Environment's property sources
   * with {@code replacement} in place of the source of its name, and plans their copy. Nothing
   * visible changes.
   *
   * @param replacement the new property source of a changed config; null to bind against the
   *     Environment as it is
   * @throws BindingRefusedException when a bean cannot be bound (a value that does not convert, a
   *     failed validation...), naming it and its prefix
   */
  Rebinding stage(Iterable<PropertySource<?>> environmentSources, PropertySource<?> replacement,
      Set<String> changedNames) {
    binder.stage(environmentSources, replacement);
    List<ConfigurationPropertyName> changed = changedNames.stream()
        .map(name -> ConfigurationPropertyName.adapt(name, '.')).toList();
    Set<String> never = StringUtils.commaDelimitedListToSet(
        context.getEnvironment().getProperty(NEVER_REFRESHABLE, NEVER_REFRESHABLE_DEFAULT));
    List<String> staged = new ArrayList<>();
    List<BeanPropertiesCopier.Plan> plans = new ArrayList<>();
    List<ConfigurationPropertiesBean> inPlace = new ArrayList<>();
    for (ConfigurationPropertiesBean bean : beans.all()) {
      Object live = bean.getInstance();
      if (!concerned(bean, changed) || never.contains(live.getClass().getName()) || never.contains(bean.getName())) {
        continue;
      }
      if (!stageable(live.getClass())) {
        inPlace.add(bean);
        continue;
      }
      try {
        Object fresh = BeanUtils.instantiateClass(live.getClass());
        binder.bind(bean, fresh);
        plans.add(BeanPropertiesCopier.plan(fresh, live));
        staged.add(bean.getName());
      } catch (RuntimeException e) {
        throw new BindingRefusedException("the new properties do not bind to the @ConfigurationProperties bean '"
            + bean.getName() + "' (prefix '" + bean.getAnnotation().prefix() + "'): " + reason(e), e);
      }
    }
    return new Rebinding(List.copyOf(staged), List.copyOf(plans), List.copyOf(inPlace));
  }

  private static boolean concerned(ConfigurationPropertiesBean bean, List<ConfigurationPropertyName> changed) {
    ConfigurationPropertyName prefix = ConfigurationPropertyName.of(bean.getAnnotation().prefix());
    if (prefix.isEmpty()) {
      return true;
    }
    for (ConfigurationPropertyName name : changed) {
      if (prefix.equals(name) || prefix.isAncestorOf(name)) {
        return true;
      }
    }
    return false;
  }

  /** A no-argument constructor, and no lifecycle callback a rebinding must run again. */
  static boolean stageable(Class<?> type) {
    if (InitializingBean.class.isAssignableFrom(type) || DisposableBean.class.isAssignableFrom(type)) {
      return false;
    }
    boolean noArgs = false;
    for (Constructor<?> constructor : type.getDeclaredConstructors()) {
      noArgs |= constructor.getParameterCount() == 0;
    }
    if (!noArgs) {
      return false;
    }
    boolean[] callbacks = {false};
    ReflectionUtils.doWithMethods(type, method -> {
      for (Annotation annotation : method.getDeclaredAnnotations()) {
        callbacks[0] |= LIFECYCLE_ANNOTATIONS.contains(annotation.annotationType().getName());
      }
    });
    return !callbacks[0];
  }

  /** The message of {@code e} and of its causes, as Boot's bind errors put the reason in the cause. */
  private static String reason(Throwable e) {
    StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
      if (cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
        text.append(": ").append(cause.getMessage());
      }
    }
    return text.toString();
  }
}
