package io.mse.client.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.mse.client.MseClient;
import io.mse.client.MseClientConfig;
import io.mse.client.config.ConfigService;
import io.mse.client.governance.Governance;
import io.mse.client.naming.NamingService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class MseAutoConfigurationTest {

  @TempDir
  static Path snapshots;

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(MseAutoConfiguration.class))
      .withPropertyValues("mse.snapshot-dir=" + snapshots);

  @Test
  void makesOneEmbeddedClientFromTheBoundProperties() {
    runner.withPropertyValues("mse.namespace=dev", "mse.request-timeout=5s", "spring.application.name=order-service")
        .run(context -> {
          assertThat(context).hasSingleBean(MseClient.class).hasSingleBean(MseProperties.class);
          MseClientConfig settings = context.getBean(MseClient.class).settings();
          assertThat(settings.serverAddr()).isEqualTo(MseClientConfig.EMBEDDED);
          assertThat(settings.namespace()).isEqualTo("dev");
          assertThat(settings.snapshotDir()).isEqualTo(snapshots);
          assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
          assertThat(settings.applicationName()).isEqualTo("order-service");
          assertThat(settings.username()).isNull();
        });
  }

  @Test
  void exposesTheClientsServicesAsBeans() {
    runner.run(context -> {
      MseClient client = context.getBean(MseClient.class);
      assertThat(context.getBean(ConfigService.class)).isSameAs(client.config());
      assertThat(context.getBean(NamingService.class)).isSameAs(client.naming());
      assertThat(context.getBean(Governance.class)).isSameAs(client.governance());
    });
  }

  @Test
  void mseApplicationNameWinsOverSpringApplicationName() {
    runner.withPropertyValues("spring.application.name=order-service", "mse.application-name=orders")
        .run(context -> assertThat(context.getBean(MseClient.class).settings().applicationName()).isEqualTo("orders"));
  }

  @Test
  void closesTheClientWithTheContext() {
    AtomicReference<MseClient> client = new AtomicReference<>();
    runner.run(context -> client.set(context.getBean(MseClient.class)));
    assertThat(client.get().isClosed()).isTrue();
  }

  @Test
  void backsOffWhenTheApplicationDefinesItsOwnClient() {
    runner.withUserConfiguration(OwnClient.class).run(context -> {
      assertThat(context).hasSingleBean(MseClient.class);
      MseClient own = context.getBean(MseClient.class);
      assertThat(own.settings().applicationName()).isEqualTo("own-client");
      assertThat(context.getBean(NamingService.class)).isSameAs(own.naming());
      assertThat(context.getBean(ConfigService.class)).isSameAs(own.config());
    });
  }

  @Test
  void createsNothingWhenDisabled() {
    runner.withPropertyValues("mse.enabled=false").run(context -> assertThat(context)
        .doesNotHaveBean(MseClient.class).doesNotHaveBean(MseProperties.class)
        .doesNotHaveBean(ConfigService.class).doesNotHaveBean(NamingService.class)
        .doesNotHaveBean(Governance.class));
  }

  @Test
  void failsTheStartNamingAnAddressNoEngineAccepts() {
    runner.withPropertyValues("mse.server-addr=bogus://somewhere").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("bogus://somewhere");
    });
  }

  @Test
  void failsTheStartOnAPasswordWithoutUsername() {
    runner.withPropertyValues("mse.password=s3cret").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("mse.username")
          .hasMessageNotContaining("s3cret");
    });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnClient {
    @Bean(destroyMethod = "close")
    MseClient ownMseClient() {
      return MseClient.builder().snapshotDir(snapshots).applicationName("own-client").build();
    }
  }
}
