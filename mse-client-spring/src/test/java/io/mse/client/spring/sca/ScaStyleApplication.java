package io.mse.client.spring.sca;

import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An application written for Spring Cloud Alibaba's Nacos discovery and config starters, unchanged:
 * its {@code sca-app/application.yml} (spring.cloud.nacos.* and {@code spring.config.import=nacos:...}),
 * a {@code @RefreshScope} controller with {@code @Value}, and a Spring Cloud {@link DiscoveryClient}
 * lookup of its own service.
 */
@SpringBootApplication
public class ScaStyleApplication {

  /** Runs it with its own application.yml. */
  public static void main(String[] args) {
    SpringApplication.run(ScaStyleApplication.class, args);
  }

  /** Answers with the greeting of the imported config; rebuilt when it changes. */
  @RestController
  @RefreshScope
  static class GreetingController {

    @Value("${shop.greeting:none}")
    private String greeting;

    @GetMapping("/greeting")
    String greeting() {
      return greeting;
    }
  }

  /** Lists the instances of this application's service through the DiscoveryClient. */
  @RestController
  static class PeersController {

    private final DiscoveryClient discovery;
    private final String service;

    PeersController(DiscoveryClient discovery, @Value("${spring.application.name}") String service) {
      this.discovery = discovery;
      this.service = service;
    }

    @GetMapping("/peers")
    List<String> peers() {
      return discovery.getInstances(service).stream().map(PeersController::describe).toList();
    }

    private static String describe(ServiceInstance instance) {
      return instance.getHost() + ":" + instance.getPort() + " " + instance.getMetadata().get("version");
    }
  }
}
