package io.mse.client.spring.web;

import io.mse.client.spring.MseAutoConfiguration;
import io.mse.client.spring.MseProperties;
import jakarta.servlet.DispatcherType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingFilterBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tag propagation: the {@code x-mse-tag} header of an inbound request is kept while it is served and
 * carried to the calls made meanwhile through the load-balanced clients.
 *
 * <ul>
 *   <li>servlet applications: {@link MseTagServletFilter}, registered for every URL and for request,
 *       async and error dispatches, at {@link MseTagServletFilter#ORDER};
 *   <li>WebFlux applications: {@link MseTagWebFilter};
 *   <li>every application: {@link MseTagTaskDecorator}, which Spring Boot applies to its
 *       auto-configured executor ({@code @Async}, MVC async) and scheduler.
 * </ul>
 *
 * <p>Stands back when {@code mse.enabled} or {@code mse.tag-propagation.enabled} is false; each bean
 * when the application defines its own of the same type (for the servlet filter: a filter bean or a
 * registration of one).
 */
@AutoConfiguration(after = MseAutoConfiguration.class)
@ConditionalOnProperty(prefix = MseProperties.PREFIX, name = {"enabled", "tag-propagation.enabled"},
    havingValue = "true", matchIfMissing = true)
public class MseTagPropagationAutoConfiguration {

  /** Carries the tag into tasks run by Spring Boot's executors. */
  @Bean
  @ConditionalOnMissingBean
  public MseTagTaskDecorator mseTagTaskDecorator() {
    return new MseTagTaskDecorator();
  }

  /** The servlet filter. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(name = {"jakarta.servlet.Filter", "org.springframework.web.filter.OncePerRequestFilter"})
  static class ServletTagPropagation {

    @Bean
    @ConditionalOnMissingFilterBean(MseTagServletFilter.class)
    FilterRegistrationBean<MseTagServletFilter> mseTagServletFilter() {
      FilterRegistrationBean<MseTagServletFilter> registration = new FilterRegistrationBean<>(new MseTagServletFilter());
      registration.setOrder(MseTagServletFilter.ORDER);
      registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
      return registration;
    }
  }

  /** The WebFlux filter. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  @ConditionalOnClass(name = {"org.springframework.web.server.WebFilter", "reactor.core.publisher.Mono"})
  static class ReactiveTagPropagation {

    @Bean
    @ConditionalOnMissingBean
    MseTagWebFilter mseTagWebFilter() {
      return new MseTagWebFilter();
    }
  }
}
