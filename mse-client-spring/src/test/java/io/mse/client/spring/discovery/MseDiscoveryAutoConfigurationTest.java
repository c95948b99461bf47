package io.mse.client.spring.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingService;
import io.mse.client.spring.MseAutoConfiguration;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class MseDiscoveryAutoConfigurationTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  static Path snapshots;

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(MseAutoConfiguration.class, MseDiscoveryAutoConfiguration.class))
      .withPropertyValues("mse.snapshot-dir=" + snapshots);

  @Test
  void listsAnInstanceRegisteredThroughTheNamingService() {
    runner.run(context -> {
      assertThat(context).hasSingleBean(DiscoveryClient.class);
      DiscoveryClient discovery = context.getBean(DiscoveryClient.class);
      context.getBean(NamingService.class).registerInstance("inventory-service", "DEFAULT_GROUP",
          Instance.builder().ip("10.0.0.7").port(8443).metadata("version", "v2").metadata("secure", "true").build());

      await().atMost(WAIT).untilAsserted(() -> assertThat(discovery.getInstances("inventory-service")).hasSize(1));
      ServiceInstance instance = discovery.getInstances("inventory-service").get(0);
      assertThat(instance.getServiceId()).isEqualTo("inventory-service");
      assertThat(instance.getHost()).isEqualTo("10.0.0.7");
      assertThat(instance.getPort()).isEqualTo(8443);
      assertThat(instance.getMetadata()).containsEntry("version", "v2");
      assertThat(instance.isSecure()).isTrue();
      assertThat(instance.getUri()).isEqualTo(URI.create("https://10.0.0.7:8443"));
      assertThat(instance.getInstanceId()).isNotBlank();
      assertThat(discovery.getServices()).contains("inventory-service");
    });
  }

  @Test
  void listsOnlyHealthyInstancesAndFollowsDeregistration() {
    runner.run(context -> {
      DiscoveryClient discovery = context.getBean(DiscoveryClient.class);
      NamingService naming = context.getBean(NamingService.class);
      naming.registerInstance("stock-service", "DEFAULT_GROUP", Instance.of("10.0.0.8", 8080));
      naming.registerInstance("stock-service", "DEFAULT_GROUP", Instance.of("10.0.0.9", 8080));
      await().atMost(WAIT).untilAsserted(() -> assertThat(discovery.getInstances("stock-service")).hasSize(2));
      assertThat(discovery.getInstances("stock-service").get(0).isSecure()).isFalse();

      naming.deregisterInstance("stock-service", "DEFAULT_GROUP", Instance.of("10.0.0.8", 8080));

      await().atMost(WAIT).untilAsserted(() -> assertThat(discovery.getInstances("stock-service"))
          .extracting(ServiceInstance::getHost).containsExactly("10.0.0.9"));
    });
  }

  @Test
  void servesTheConfiguredGroup() {
    runner.withPropertyValues("mse.discovery.group=SHOP").run(context -> {
      DiscoveryClient discovery = context.getBean(DiscoveryClient.class);
      NamingService naming = context.getBean(NamingService.class);
      naming.registerInstance("payment-service", "SHOP", Instance.of("10.0.1.1", 8080));
      naming.registerInstance("payment-service", "DEFAULT_GROUP", Instance.of("10.0.2.2", 8080));

      await().atMost(WAIT).untilAsserted(() -> assertThat(discovery.getInstances("payment-service"))
          .extracting(ServiceInstance::getHost).containsExactly("10.0.1.1"));
      assertThat(discovery.getServices()).containsExactly("payment-service");
    });
  }

  @Test
  void answersEmptyForAnUnknownService() {
    runner.run(context -> assertThat(context.getBean(DiscoveryClient.class).getInstances("nobody")).isEmpty());
  }

  @Test
  void standsBackWhenMseDiscoveryIsDisabled() {
    runner.withPropertyValues("mse.discovery.enabled=false")
        .run(context -> assertThat(context).hasSingleBean(MseClient.class).doesNotHaveBean(DiscoveryClient.class));
  }

  @Test
  void standsBackWhenSpringCloudDiscoveryIsDisabled() {
    runner.withPropertyValues("spring.cloud.discovery.enabled=false")
        .run(context -> assertThat(context).hasSingleBean(MseClient.class).doesNotHaveBean(DiscoveryClient.class));
  }

  @Test
  void standsBackWhenMseIsDisabled() {
    runner.withPropertyValues("mse.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(MseClient.class).doesNotHaveBean(DiscoveryClient.class));
  }

  @Test
  void standsBackWithoutSpringCloudCommons() {
    runner.withClassLoader(new FilteredClassLoader("org.springframework.cloud"))
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(MseClient.class)
            .doesNotHaveBean(MseDiscoveryClient.class));
  }

  @Test
  void backsOffWhenTheApplicationDefinesItsOwn() {
    runner.withUserConfiguration(OwnDiscoveryClient.class).run(context -> {
      assertThat(context).hasSingleBean(MseDiscoveryClient.class);
      assertThat(context.getBean(MseDiscoveryClient.class).description()).contains("'OWN'");
    });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnDiscoveryClient {
    @Bean
    MseDiscoveryClient ownDiscoveryClient(NamingService naming) {
      return new MseDiscoveryClient(naming, "OWN");
    }
  }

}
