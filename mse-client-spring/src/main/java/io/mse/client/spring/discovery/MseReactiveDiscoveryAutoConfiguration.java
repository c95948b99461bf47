package io.mse.client.spring.discovery;

import io.mse.client.naming.NamingService;
import io.mse.client.spring.MseAutoConfiguration;
import io.mse.client.spring.MseProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.client.ConditionalOnDiscoveryEnabled;
import org.springframework.cloud.client.ConditionalOnReactiveDiscoveryEnabled;
import org.springframework.context.annotation.Bean;

/**
 * A {@link MseReactiveDiscoveryClient} when Spring Cloud Commons, Reactor and Spring WebFlux's
 * {@code WebClient} (Spring Cloud's own condition for reactive discovery) are on the class path,
 * and neither {@code mse.enabled}, {@code mse.discovery.enabled},
 * {@code spring.cloud.discovery.enabled} nor {@code spring.cloud.discovery.reactive.enabled} is false. Runs before Spring Cloud's simple
 * reactive discovery client.
 */
@AutoConfiguration(after = MseAutoConfiguration.class, beforeName = {
    "org.springframework.cloud.client.discovery.simple.reactive.SimpleReactiveDiscoveryClientAutoConfiguration",
    "org.springframework.cloud.client.ReactiveCommonsClientAutoConfiguration"})
@ConditionalOnClass(name = {"org.springframework.cloud.client.discovery.ReactiveDiscoveryClient",
    "reactor.core.publisher.Flux"})
@ConditionalOnProperty(prefix = MseProperties.PREFIX, name = {"enabled", "discovery.enabled"}, havingValue = "true",
    matchIfMissing = true)
@ConditionalOnDiscoveryEnabled
@ConditionalOnReactiveDiscoveryEnabled
@ConditionalOnBean(NamingService.class)
public class MseReactiveDiscoveryAutoConfiguration {

  /** The reactive discovery client of {@code mse.discovery.group}'s services. */
  @Bean
  @ConditionalOnMissingBean
  public MseReactiveDiscoveryClient mseReactiveDiscoveryClient(NamingService naming, MseProperties properties) {
    return new MseReactiveDiscoveryClient(new MseDiscoveryClient(naming, properties.getDiscovery().getGroup()));
  }
}
