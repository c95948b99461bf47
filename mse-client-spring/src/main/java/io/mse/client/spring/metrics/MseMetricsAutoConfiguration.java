package io.mse.client.spring.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.mse.client.MseClient;
import io.mse.client.metrics.MseClientMetrics;
import io.mse.client.spring.MseAutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Binds the meters of the context's {@link MseClient} and its governance ({@link MseClientMetrics},
 * the table of {@code docs/metrics.md}) when Micrometer is on the class path and the context has a
 * {@link MeterRegistry}: with Spring Boot's Micrometer support (the actuator), Boot binds the
 * {@code MseClientMetrics} bean to its registries itself, and the meters show under
 * {@code /actuator/metrics}; without it, every {@code MeterRegistry} bean is bound here once the
 * singletons are made. Off with {@code mse.metrics.enabled=false}; backs off when the application
 * defines its own {@code MseClientMetrics}. Binding makes the client's governance (it reads its
 * rule documents).
 */
@AutoConfiguration(after = MseAutoConfiguration.class, afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, MseClientMetrics.class})
@ConditionalOnProperty(prefix = "mse.metrics", name = "enabled", havingValue = "true", matchIfMissing = true)
@ConditionalOnBean({MseClient.class, MeterRegistry.class})
public class MseMetricsAutoConfiguration {

  /** Spring Boot's post-processor that binds every {@code MeterBinder} bean to each registry it makes. */
  static final String BOOT_BINDER = "org.springframework.boot.micrometer.metrics.autoconfigure.MeterRegistryPostProcessor";

  /** The client's meters, as a {@code MeterBinder} bean. */
  @Bean
  @ConditionalOnMissingBean
  public MseClientMetrics mseClientMetrics(MseClient client) {
    return new MseClientMetrics(client);
  }

  /** Binds the meters to every registry of the context where Spring Boot's Micrometer support does not. */
  @Bean
  @ConditionalOnMissingBean(type = BOOT_BINDER)
  static SmartInitializingSingleton mseClientMetricsBinder(ObjectProvider<MseClientMetrics> metrics,
      ObjectProvider<MeterRegistry> registries) {
    return () -> metrics.ifAvailable(binder -> registries.orderedStream().forEach(binder::bindTo));
  }
}
