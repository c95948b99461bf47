package io.mse.client.spring.discovery;

import io.mse.client.naming.NamingService;
import io.mse.client.spring.MseAutoConfiguration;
import io.mse.client.spring.MseProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.client.ConditionalOnBlockingDiscoveryEnabled;
import org.springframework.cloud.client.ConditionalOnDiscoveryEnabled;
import org.springframework.context.annotation.Bean;

/**
 * A {@link MseDiscoveryClient} when Spring Cloud Commons is on the class path and neither
 * {@code mse.enabled}, {@code mse.discovery.enabled}, {@code spring.cloud.discovery.enabled} nor
 * {@code spring.cloud.discovery.blocking.enabled} is false. Runs before Spring Cloud's simple
 * (properties-based) discovery client, which then joins ours in the composite.
 */
@AutoConfiguration(after = MseAutoConfiguration.class, beforeName = {
    "org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration",
    "org.springframework.cloud.client.CommonsClientAutoConfiguration"})
@ConditionalOnClass(name = "org.springframework.cloud.client.discovery.DiscoveryClient")
@ConditionalOnProperty(prefix = MseProperties.PREFIX, name = {"enabled", "discovery.enabled"}, havingValue = "true",
    matchIfMissing = true)
@ConditionalOnDiscoveryEnabled
@ConditionalOnBlockingDiscoveryEnabled
@ConditionalOnBean(NamingService.class)
public class MseDiscoveryAutoConfiguration {

  /** The discovery client of {@code mse.discovery.group}'s services. */
  @Bean
  @ConditionalOnMissingBean
  public MseDiscoveryClient mseDiscoveryClient(NamingService naming, MseProperties properties) {
    return new MseDiscoveryClient(naming, properties.getDiscovery().getGroup());
  }
}
