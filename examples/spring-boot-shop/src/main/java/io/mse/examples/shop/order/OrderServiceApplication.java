package io.mse.examples.shop.order;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;

/**
 * order-service: places orders ({@code POST /orders}), asking inventory-service for the stock and
 * price and payment-service for the charge, both by service name through a {@code @LoadBalanced}
 * {@link RestClient} (mse-client governance picks the instance: the canary rule of
 * {@code order-service.governance.json} decides between inventory-service v1 and v2). Prices with the
 * live {@link PromotionProperties}.
 */
@SpringBootApplication
@EnableConfigurationProperties(PromotionProperties.class)
public class OrderServiceApplication {

  /** The builder of load-balanced clients: {@code http://inventory-service/...} names a service. */
  @Bean
  @LoadBalanced
  RestClient.Builder loadBalancedRestClientBuilder() {
    return RestClient.builder();
  }

  /** Starts the service on its own (the shop's launcher starts it with {@code spring.config.name}). */
  public static void main(String[] args) {
    SpringApplication.run(OrderServiceApplication.class, args);
  }
}
