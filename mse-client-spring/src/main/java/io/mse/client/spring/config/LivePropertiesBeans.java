package io.mse.client.spring.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.ConfigurationPropertiesBean;
import org.springframework.boot.context.properties.bind.BindMethod;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Keeps the {@code @ConfigurationProperties} beans of a context that a refresh may rebind: the
 * singletons bound as JavaBeans (through setters), recorded as Spring initializes them, in that
 * order. Left out: constructor-bound (immutable) beans, beans of other scopes (a
 * {@code @RefreshScope} one is rebuilt by its scope), and instances made outside the context's
 * bean definitions.
 *
 * <p>Added to the bean factory when the context is prepared (see {@link MseConfigBootstrap}), so it
 * sees every bean. The instance kept is the bean itself, not a proxy around it. Thread-safe.
 */
final class LivePropertiesBeans implements BeanPostProcessor {

  private final ConfigurableApplicationContext context;
  private final Map<String, ConfigurationPropertiesBean> beans = new LinkedHashMap<>();

  LivePropertiesBeans(ConfigurableApplicationContext context) {
    this.context = context;
  }

  @Override
  public Object postProcessBeforeInitialization(Object bean, String beanName) {
    if (!rebindable(beanName)) {
      return bean;
    }
    ConfigurationPropertiesBean properties = ConfigurationPropertiesBean.get(context, bean, beanName);
    if (properties != null && properties.asBindTarget().getBindMethod() != BindMethod.VALUE_OBJECT) {
      synchronized (beans) {
        beans.put(beanName, properties);
      }
    }
    return bean;
  }

  private boolean rebindable(String beanName) {
    if (ScopedProxyUtils.isScopedTarget(beanName)) {
      return false;
    }
    ConfigurableListableBeanFactory factory = context.getBeanFactory();
    return factory.containsBeanDefinition(beanName) && factory.getMergedBeanDefinition(beanName).isSingleton();
  }

  /** Returns the beans kept, in the order they were initialized. */
  List<ConfigurationPropertiesBean> all() {
    synchronized (beans) {
      return new ArrayList<>(beans.values());
    }
  }
}
