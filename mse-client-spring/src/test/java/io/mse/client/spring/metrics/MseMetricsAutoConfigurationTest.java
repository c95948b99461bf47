package io.mse.client.spring.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mse.client.MseClient;
import io.mse.client.metrics.MseClientMetrics;
import io.mse.client.spring.MseAutoConfiguration;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class MseMetricsAutoConfigurationTest {

  @TempDir
  static Path snapshots;

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(MseAutoConfiguration.class, MseMetricsAutoConfiguration.class))
      .withPropertyValues("mse.snapshot-dir=" + snapshots, "spring.application.name=order-service");

  @Configuration(proxyBeanMethods = false)
  static class ARegistry {
    @Bean
    SimpleMeterRegistry registry() {
      return new SimpleMeterRegistry();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnBinder {
    @Bean
    MseClientMetrics ownMetrics(MseClient client) {
      return new MseClientMetrics(client, io.micrometer.core.instrument.Tags.of("team", "orders"));
    }
  }

  @Test
  void bindsTheClientsMetersToTheApplicationsRegistry() {
    runner.withUserConfiguration(ARegistry.class).run(context -> {
      assertThat(context).hasSingleBean(MseClientMetrics.class).hasBean("mseClientMetricsBinder");
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      assertThat(registry.find("mse.client.requests").tags("outcome", "ok", "application", "order-service").meter())
          .isNotNull();
      assertThat(registry.find("mse.governance.decision.duration").functionTimer()).isNotNull();
      assertThat(context.getBean(MseClient.class).governance().stats().observed()).isTrue();
    });
  }

  @Test
  void letsSpringBootsMicrometerSupportBindItOnce() {
    runner.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
            CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
        .run(context -> {
          assertThat(context).hasSingleBean(MseClientMetrics.class)
              .hasBean("meterRegistryPostProcessor")         // Boot binds MeterBinder beans itself
              .doesNotHaveBean("mseClientMetricsBinder");
          MeterRegistry registry = context.getBean(MeterRegistry.class);
          assertThat(registry.find("mse.client.configs.listened").gauge()).isNotNull();
          assertThat(registry.find("mse.client.server.failovers").meters()).hasSize(1);
        });
  }

  @Test
  void standsBackWithoutARegistry() {
    runner.run(context -> assertThat(context).hasSingleBean(MseClient.class).doesNotHaveBean(MseClientMetrics.class));
  }

  @Test
  void standsBackWithoutMicrometer() {
    runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(MseClient.class)
            .doesNotHaveBean(MseClientMetrics.class));
  }

  @Test
  void isOffWithMseMetricsEnabledFalse() {
    runner.withUserConfiguration(ARegistry.class).withPropertyValues("mse.metrics.enabled=false")
        .run(context -> {
          assertThat(context).doesNotHaveBean(MseClientMetrics.class);
          assertThat(context.getBean(MeterRegistry.class).find("mse.client.requests").meters()).isEmpty();
        });
  }

  @Test
  void bindsTheApplicationsOwnBinderInstead() {
    runner.withUserConfiguration(ARegistry.class, OwnBinder.class).run(context -> {
      assertThat(context).hasSingleBean(MseClientMetrics.class);
      assertThat(context.getBean(MeterRegistry.class).find("mse.client.requests").tags("team", "orders").meters())
          .isNotEmpty();
    });
  }
}
