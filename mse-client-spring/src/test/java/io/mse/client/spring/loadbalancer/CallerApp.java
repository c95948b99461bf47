package io.mse.client.spring.loadbalancer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A calling application as users write one: every auto-configuration on the test class path (Spring
 * Cloud LoadBalancer's included), mse-client on the embedded engine, and the three load-balanced
 * clients declared the Spring Cloud way.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class CallerApp {

  @Bean
  @LoadBalanced
  RestClient.Builder loadBalancedRestClientBuilder() {
    // pinned: Spring would pick Apache HttpClient 5, which is on the test class path for BlockingTimeoutsTest
    return RestClient.builder().requestFactory(new ReactorClientHttpRequestFactory());
  }

  @Bean
  @LoadBalanced
  RestTemplate loadBalancedRestTemplate() {
    return new RestTemplate();
  }

  @Bean
  @LoadBalanced
  WebClient.Builder loadBalancedWebClientBuilder() {
    return WebClient.builder();
  }

  /**
   * Starts a caller named {@code name} (its rule document is {@code <name>.governance.json}) with no
   * web server, snapshots under {@code snapshots}, and {@code properties} added.
   */
  public static ConfigurableApplicationContext start(String name, Path snapshots, String... properties) {
    return start(CallerApp.class, WebApplicationType.NONE, name, snapshots, properties);
  }

  /** Starts {@code source} as an application named {@code name} on the embedded engine. */
  public static ConfigurableApplicationContext start(Class<?> source, WebApplicationType type, String name, Path snapshots,
      String... properties) {
    List<String> all = new ArrayList<>(List.of("spring.application.name=" + name, "mse.server-addr=embedded",
        "mse.snapshot-dir=" + snapshots, "server.port=0", "spring.main.banner-mode=off",
        "spring.main.register-shutdown-hook=false",
        // the tests register these applications themselves, on loopback
        "mse.discovery.register-enabled=false"));
    all.addAll(List.of(properties));
    return new SpringApplicationBuilder(source).web(type).properties(all.toArray(String[]::new)).run();
  }
}
