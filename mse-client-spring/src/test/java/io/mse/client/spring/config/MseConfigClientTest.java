package io.mse.client.spring.config;

import static io.mse.client.spring.config.ImportTesting.dataId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mse.client.MseClient;
import io.mse.client.config.ConfigService;
import io.mse.client.naming.NamingService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.bootstrap.BootstrapContext;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The client the imports use is the context's one MseClient, closed with it or with a failed start. */
class MseConfigClientTest {

  @RegisterExtension
  static final EmbeddedConfigs configs = new EmbeddedConfigs();

  /** Starts with an initializer that keeps the bootstrap context, where the imports' client is registered. */
  private static ConfigurableApplicationContext start(AtomicReference<BootstrapContext> bootstrap, Class<?> source,
      String... args) {
    SpringApplicationBuilder builder = ImportTesting.builder(source)
        .addBootstrapRegistryInitializer(registry -> bootstrap.set((BootstrapContext) registry));
    String[] all = new String[args.length + 1];
    all[0] = "--mse.snapshot-dir=" + configs.snapshots().resolve("app");
    for (int i = 0; i < args.length; i++) {
      all[i + 1] = "--" + args[i];
    }
    return builder.run(all);
  }

  @Test
  void theClientOfTheImportsIsTheContextsOnlyClient() {
    String first = configs.publishNew("first.properties", "demo.greeting=hello");
    String second = configs.publishNew("second.yaml", "demo:\n  servers: [a]\n");
    AtomicReference<BootstrapContext> bootstrap = new AtomicReference<>();
    MseClient client;

    try (ConfigurableApplicationContext context = start(bootstrap, DemoApp.class, "mse.namespace=",
        "spring.application.name=orders", "spring.config.import=mse:" + first + ",mse:" + second)) {
      client = bootstrap.get().get(MseClient.class);
      assertThat(context.getBeansOfType(MseClient.class)).as("MseAutoConfiguration backed off")
          .containsOnlyKeys("mseClient").containsValue(client);
      assertThat(context.getBean(ConfigService.class)).isSameAs(client.config());
      assertThat(context.getBean(NamingService.class)).isSameAs(client.naming());
      assertThat(client.settings().applicationName()).isEqualTo("orders");
      assertThat(client.isClosed()).isFalse();
    }
    assertThat(client.isClosed()).isTrue();
  }

  @Test
  void beansGivenTheClientCanStillUseItWhenTheContextCloses() {
    String dataId = configs.publishNew("closing.properties", "demo.greeting=hello");
    AtomicReference<BootstrapContext> bootstrap = new AtomicReference<>();

    ConfigurableApplicationContext context = start(bootstrap, UsesClientOnClose.class,
        "spring.config.import=mse:" + dataId);
    UsesClientOnClose.ReadOnClose reader = context.getBean(UsesClientOnClose.ReadOnClose.class);
    context.close();

    assertThat(reader.readOnClose).as("the client closes after the beans that use it").isEqualTo("demo.greeting=hello");
    assertThat(bootstrap.get().get(MseClient.class).isClosed()).isTrue();
  }

  @Test
  void withoutAnImportTheContextMakesItsOwnClientAsBefore() {
    AtomicReference<BootstrapContext> bootstrap = new AtomicReference<>();

    try (ConfigurableApplicationContext context = start(bootstrap, DemoApp.class)) {
      assertThat(bootstrap.get().isRegistered(MseClient.class)).isFalse();
      assertThat(context.getBeansOfType(MseClient.class)).hasSize(1);
      assertThat(context.containsBean("mseConfigRefresher")).isFalse();
    }
  }

  @Test
  void aStartThatFailsWhileImportingClosesTheClient() {
    String present = configs.publishNew("present.properties", "demo.greeting=hello");
    AtomicReference<BootstrapContext> bootstrap = new AtomicReference<>();

    assertThatThrownBy(() -> start(bootstrap, DemoApp.class,
        "spring.config.import=mse:" + present + ",mse:" + dataId("absent.properties")));

    assertThat(bootstrap.get().get(MseClient.class).isClosed()).isTrue();
  }

  @Test
  void aStartThatFailsInTheContextClosesTheClient() {
    String dataId = configs.publishNew("failing.properties", "demo.greeting=hello");
    AtomicReference<BootstrapContext> bootstrap = new AtomicReference<>();

    assertThatThrownBy(() -> start(bootstrap, FailingApp.class, "spring.config.import=mse:" + dataId))
        .hasRootCauseMessage("this bean fails");

    assertThat(bootstrap.get().get(MseClient.class).isClosed()).isTrue();
  }

  /** The demo application and a bean that reads a config with the client when it is destroyed. */
  @Configuration(proxyBeanMethods = false)
  @Import(DemoApp.class)
  static class UsesClientOnClose {
    @Bean
    ReadOnClose readOnClose(MseClient client, org.springframework.core.env.Environment environment) {
      return new ReadOnClose(client, environment.getProperty("spring.config.import").substring("mse:".length()));
    }

    static final class ReadOnClose implements DisposableBean {
      private final MseClient client;
      private final String dataId;
      volatile String readOnClose;

      ReadOnClose(MseClient client, String dataId) {
        this.client = client;
        this.dataId = dataId;
      }

      @Override
      public void destroy() {
        readOnClose = client.config().getConfig(dataId, null);
      }
    }
  }

  /** The demo application with a bean that fails. */
  @Configuration(proxyBeanMethods = false)
  @Import(DemoApp.class)
  static class FailingApp {
    @Bean
    Object failing() {
      throw new IllegalStateException("this bean fails");
    }
  }
}
