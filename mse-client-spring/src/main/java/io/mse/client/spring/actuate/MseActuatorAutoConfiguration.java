package io.mse.client.spring.actuate;

import io.mse.client.MseClient;
import io.mse.client.governance.Governance;
import io.mse.client.spring.MseAutoConfiguration;
import io.mse.client.spring.MseProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * mse-client's actuator contributions, where Spring Boot's actuator is on the class path (an optional
 * dependency) and an {@link MseClient} bean exists: the {@code mse} health indicator (off with
 * {@code management.health.mse.enabled=false}) and the {@code mse} endpoint (available when
 * exposed, e.g. {@code management.endpoints.web.exposure.include=health,mse}).
 */
@AutoConfiguration(after = MseAutoConfiguration.class)
@ConditionalOnBean(MseClient.class)
public class MseActuatorAutoConfiguration {

  /** The health indicator, contributed as {@code mse}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"org.springframework.boot.health.contributor.HealthIndicator",
      "org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator"})
  static class Health {

    // conditions of the actuator's own on the method: read only once the class's condition passed
    @Bean
    @ConditionalOnEnabledHealthIndicator("mse")
    @ConditionalOnMissingBean(name = "mseHealthIndicator")
    MseHealthIndicator mseHealthIndicator(MseClient client, MseProperties properties) {
      return new MseHealthIndicator(client, properties.getHealth().getUnreachableThreshold());
    }
  }

  /** The {@code mse} endpoint. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"org.springframework.boot.actuate.endpoint.annotation.Endpoint",
      "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint"})
  static class EndpointConfiguration {

    @Bean
    @ConditionalOnAvailableEndpoint(MseEndpoint.class)
    @ConditionalOnMissingBean
    MseEndpoint mseEndpoint(MseClient client, ObjectProvider<Governance> governance) {
      return new MseEndpoint(client, governance.getIfAvailable());
    }
  }
}
