package io.mse.client.spring.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.cloud.client.serviceregistry.ServiceRegistry;

class MseRegistrationAutoConfigurationTest {

  @TempDir
  static Path snapshots;

  private static final AutoConfigurations CONFIGURATIONS =
      AutoConfigurations.of(MseAutoConfiguration.class, MseRegistrationAutoConfiguration.class);

  private final WebApplicationContextRunner web = new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
      .withPropertyValues("mse.snapshot-dir=" + snapshots, "spring.application.name=order-service");

  @Test
  void aServletApplicationGetsTheRegistrationTheDrainAndTheInFlightFilter() {
    web.run(context -> assertThat(context).hasSingleBean(MseServiceRegistry.class).hasSingleBean(ServiceRegistry.class)
        .hasSingleBean(MseRegistration.class).hasSingleBean(Registration.class)
        .hasSingleBean(MseAutoServiceRegistration.class).hasSingleBean(GracefulDeregistration.class)
        .hasSingleBean(InFlightRequests.class).hasSingleBean(InFlightRequestFilter.class)
        .doesNotHaveBean(InFlightRequestWebFilter.class));
  }

  @Test
  void aReactiveApplicationGetsTheWebFilter() {
    new ReactiveWebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
        .withPropertyValues("mse.snapshot-dir=" + snapshots, "spring.application.name=order-service")
        .run(context -> assertThat(context).hasSingleBean(InFlightRequestWebFilter.class)
            .hasSingleBean(InFlightRequests.class).doesNotHaveBean(InFlightRequestFilter.class));
  }

  @Test
  void theRegistrationComesFromTheProperties() {
    web.withPropertyValues("mse.discovery.service=orders", "mse.discovery.group=SHOP", "mse.discovery.ip=198.51.100.7",
        "mse.discovery.port=8443", "mse.discovery.cluster=east", "mse.discovery.weight=5",
        "mse.discovery.ephemeral=false", "mse.discovery.metadata.version=v2", "server.ssl.bundle=web")
        .run(context -> {
          MseRegistration registration = context.getBean(MseRegistration.class);
          assertThat(registration.getServiceId()).isEqualTo("orders");
          assertThat(registration.getGroup()).isEqualTo("SHOP");
          assertThat(registration.getHost()).isEqualTo("198.51.100.7");
          assertThat(registration.getPort()).isEqualTo(8443);
          assertThat(registration.isSecure()).isTrue();
          assertThat(registration.getUri()).hasToString("https://198.51.100.7:8443");
          Instance instance = registration.toInstance();
          assertThat(instance.clusterName()).isEqualTo("east");
          assertThat(instance.weight()).isEqualTo(5.0);
          assertThat(instance.ephemeral()).isFalse();
          assertThat(instance.metadata()).containsEntry("version", "v2").containsEntry("secure", "true")
              .containsEntry(Instance.START_TIME_METADATA_KEY, Long.toString(context.getStartupDate()));
        });
  }

  @Test
  void givenMetadataWinOverTheDefaults() {
    web.withPropertyValues("mse.discovery.metadata.timestamp=42", "mse.discovery.metadata.secure=true")
        .run(context -> assertThat(context.getBean(MseRegistration.class).getMetadata())
            .containsEntry("timestamp", "42").containsEntry("secure", "true"));
  }

  @Test
  void theServiceNameDefaultsToTheApplicationsName() {
    web.run(context -> {
      MseRegistration registration = context.getBean(MseRegistration.class);
      assertThat(registration.getServiceId()).isEqualTo("order-service");
      assertThat(registration.getGroup()).isEqualTo("DEFAULT_GROUP");
      assertThat(registration.getPort()).isZero();   // the web server's, once started
      assertThat(registration.isSecure()).isFalse();
    });
  }

  @Test
  void failsTheStartWithoutAServiceName() {
    new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS).withPropertyValues("mse.snapshot-dir=" + snapshots)
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).rootCause().isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("mse.discovery.service").hasMessageContaining("spring.application.name");
        });
  }

  @Test
  void failsTheStartOnABadValueNamingIt() {
    web.withPropertyValues("mse.discovery.weight=20000").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("20000");
    });
    web.withPropertyValues("mse.discovery.drain-timeout=-1s").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("mse.discovery.drain-timeout");
    });
  }

  @Test
  void standsBackWhenRegistrationIsTurnedOff() {
    for (String off : new String[] {"mse.discovery.register-enabled=false", "mse.discovery.enabled=false",
        "spring.cloud.service-registry.auto-registration.enabled=false"}) {
      web.withPropertyValues(off).run(context -> assertThat(context).hasNotFailed()
          .doesNotHaveBean(MseAutoServiceRegistration.class).doesNotHaveBean(GracefulDeregistration.class)
          .doesNotHaveBean(InFlightRequestFilter.class));
    }
    web.withPropertyValues("mse.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(MseRegistration.class));
  }

  @Test
  void standsBackWithoutSpringCloudCommons() {
    web.withClassLoader(new FilteredClassLoader("org.springframework.cloud"))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(MseRegistration.class));
  }

  @Test
  void aNonWebApplicationRegistersOnlyWithAGivenPortAndDrainsWithoutCountingRequests() {
    ApplicationContextRunner plain = new ApplicationContextRunner().withConfiguration(CONFIGURATIONS)
        .withPropertyValues("mse.snapshot-dir=" + snapshots, "spring.application.name=batch-service");
    plain.run(context -> {
      assertThat(context).hasSingleBean(GracefulDeregistration.class).doesNotHaveBean(InFlightRequests.class);
      assertThat(context.getBean(MseAutoServiceRegistration.class).isRunning()).isFalse();
    });
    plain.withPropertyValues("mse.discovery.port=9090", "mse.discovery.ip=10.9.9.9").run(context -> {
      NamingService naming = context.getBean(NamingService.class);
      GracefulDeregistration deregistration = context.getBean(GracefulDeregistration.class);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(naming.getAllInstances("batch-service"))
          .extracting(Instance::address).containsExactly("10.9.9.9:9090"));
      context.close();
      assertThat(deregistration.lastDrain().deregistered()).isTrue();
    });
  }
}
