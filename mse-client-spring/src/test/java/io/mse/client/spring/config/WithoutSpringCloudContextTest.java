package io.mse.client.spring.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mse.client.MseClient;
import io.mse.client.spring.MseAutoConfiguration;
import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * spring-cloud-context is optional: an application without it (here, a class loader made of the
 * test class path without its jar) still imports and refreshes: the Environment changes in place,
 * {@code @ConfigurationProperties} beans are rebound (by mse-client's own rebinding, which needs
 * Spring Boot only) and {@link MseConfigChangedEvent} tells.
 */
class WithoutSpringCloudContextTest {

  @TempDir
  Path snapshots;

  @Test
  void theEnvironmentChangesTheBeansAreReboundAndTheEventTells() throws Exception {
    List<URL> urls = new ArrayList<>();
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    for (String entry : classPath.split(File.pathSeparator)) {
      if (!entry.contains("spring-cloud-context")) {
        urls.add(new File(entry).toURI().toURL());
      }
    }
    assertThat(urls).hasSizeLessThan(classPath.split(File.pathSeparator).length);

    Map<String, String> seen;
    try (URLClassLoader isolated = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      ClassLoader previous = Thread.currentThread().getContextClassLoader();
      Thread.currentThread().setContextClassLoader(isolated);
      try {
        Method run = isolated.loadClass(IsolatedRun.class.getName()).getMethod("run", String.class);
        @SuppressWarnings("unchecked")
        Map<String, String> result = (Map<String, String>) run.invoke(null, snapshots.toString());
        seen = result;
      } finally {
        Thread.currentThread().setContextClassLoader(previous);
      }
    }

    assertThat(seen).containsEntry("springCloudContext", "absent")
        .containsEntry("environment", "hi")
        .containsEntry("bound", "hi")
        .containsEntry("eventNames", "[demo.greeting]");
  }

  /** Runs inside the class loader without spring-cloud-context. */
  public static final class IsolatedRun {

    private IsolatedRun() {}

    public static Map<String, String> run(String snapshotDir) {
      Map<String, String> seen = new LinkedHashMap<>();
      seen.put("springCloudContext", org.springframework.util.ClassUtils.isPresent(
          "org.springframework.cloud.context.environment.EnvironmentChangeEvent", IsolatedRun.class.getClassLoader())
          ? "present" : "absent");
      Path snapshots = Path.of(snapshotDir);
      String dataId = ImportTesting.dataId("plain.properties");
      try (MseClient publisher = ImportTesting.publisher(snapshots)) {
        publisher.config().publishConfig(dataId, null, "demo.greeting=hello\n");
        try (ConfigurableApplicationContext context = ImportTesting.start(snapshots, PlainApp.class,
            "spring.config.import=mse:" + dataId)) {
          List<MseConfigChangedEvent> events = context.getBean(Events.class).events;
          publisher.config().publishConfig(dataId, null, "demo.greeting=hi\n");
          Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
          seen.put("environment", context.getEnvironment().getProperty("demo.greeting"));
          seen.put("bound", context.getBean(DemoApp.DemoProperties.class).getGreeting());
          seen.put("eventNames", events.get(0).propertyNames().toString());
        }
      }
      return seen;
    }
  }

  /** mse-client's auto-configuration and a {@code @ConfigurationProperties} bean, nothing of Spring Cloud. */
  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(MseAutoConfiguration.class)
  @EnableConfigurationProperties(DemoApp.DemoProperties.class)
  static class PlainApp {
    @Bean
    Events events() {
      return new Events();
    }
  }

  /** Records the change events. */
  static final class Events implements ApplicationListener<MseConfigChangedEvent> {
    final List<MseConfigChangedEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onApplicationEvent(MseConfigChangedEvent event) {
      events.add(event);
    }
  }
}
