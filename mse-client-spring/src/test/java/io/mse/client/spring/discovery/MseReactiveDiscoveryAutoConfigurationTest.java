package io.mse.client.spring.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingService;
import io.mse.client.spring.MseAutoConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration;

class MseReactiveDiscoveryAutoConfigurationTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  static Path snapshots;

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(MseAutoConfiguration.class, MseDiscoveryAutoConfiguration.class,
          MseReactiveDiscoveryAutoConfiguration.class))
      .withPropertyValues("mse.snapshot-dir=" + snapshots);

  @Test
  void emitsAnInstanceRegisteredThroughTheNamingService() {
    runner.run(context -> {
      ReactiveDiscoveryClient discovery = context.getBean(ReactiveDiscoveryClient.class);
      context.getBean(NamingService.class).registerInstance("inventory-service", "DEFAULT_GROUP",
          Instance.builder().ip("10.0.0.7").port(8081).metadata("version", "v2").build());

      await().atMost(WAIT).untilAsserted(() -> assertThat(discovery.getInstances("inventory-service")
          .collectList().block(WAIT)).extracting(ServiceInstance::getPort).containsExactly(8081));
      assertThat(discovery.getServices().collectList().block(WAIT)).contains("inventory-service");
    });
  }

  @Test
  void standsBackWhenReactiveDiscoveryIsDisabled() {
    runner.withPropertyValues("spring.cloud.discovery.reactive.enabled=false").run(context -> assertThat(context)
        .doesNotHaveBean(ReactiveDiscoveryClient.class).hasSingleBean(DiscoveryClient.class));
  }

  @Test
  void standsBackWhenMseDiscoveryIsDisabled() {
    runner.withPropertyValues("mse.discovery.enabled=false").run(context -> assertThat(context)
        .hasSingleBean(MseClient.class).doesNotHaveBean(ReactiveDiscoveryClient.class));
  }

  @Test
  void standsBackWithoutReactor() {
    runner.withClassLoader(new FilteredClassLoader("reactor.core")).run(context -> assertThat(context)
        .hasNotFailed().doesNotHaveBean(MseReactiveDiscoveryClient.class).hasSingleBean(MseDiscoveryClient.class));
  }

  @Test
  void joinsSpringCloudsCompositeDiscoveryClient() {
    runner.withConfiguration(AutoConfigurations.of(CompositeDiscoveryClientAutoConfiguration.class)).run(context -> {
      context.getBean(NamingService.class).registerInstance("payment-service", "DEFAULT_GROUP",
          Instance.of("10.0.0.9", 8080));
      DiscoveryClient composite = context.getBean("compositeDiscoveryClient", DiscoveryClient.class);

      await().atMost(WAIT).untilAsserted(() -> assertThat(composite.getInstances("payment-service"))
          .extracting(ServiceInstance::getHost).containsExactly("10.0.0.9"));
    });
  }
}
