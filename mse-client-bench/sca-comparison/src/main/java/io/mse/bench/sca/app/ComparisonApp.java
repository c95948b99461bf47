package io.mse.bench.sca.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.web.client.RestClient;

/**
 * The one application of the comparison, the same code on both stacks: the class path decides whether
 * Spring Cloud Alibaba's Nacos starters or mse-client-spring serve its discovery, registration, config
 * import and {@code @LoadBalanced} client. A provider answers {@code GET /who} with its
 * {@code cmp.instance}; a caller is driven through {@link ControlController}; {@link CmpProperties}
 * and {@link CmpRefreshScoped} hold the imported {@code cmp.value}. Prints
 * {@code CMP-READY port=<port>} on standard output once ready, for the driver, after
 * {@code CMP-REGISTRATION host=<address>}: the address its Spring Cloud {@link Registration} holds.
 */
@SpringBootApplication
@EnableConfigurationProperties(CmpProperties.class)
public class ComparisonApp {

  /** The load-balanced client of a caller: {@code http://<service>/who}. */
  @Bean
  @LoadBalanced
  RestClient.Builder loadBalancedRestClientBuilder() {
    return RestClient.builder();
  }

  @EventListener
  void ready(ApplicationReadyEvent event) {
    Environment env = event.getApplicationContext().getEnvironment();
    event.getApplicationContext().getBeanProvider(Registration.class)
        .ifAvailable(r -> System.out.println("CMP-REGISTRATION host=" + r.getHost()));
    System.out.println("CMP-READY port=" + env.getProperty("local.server.port"));
  }

  public static void main(String[] args) {
    SpringApplication.run(ComparisonApp.class, args);
  }
}
