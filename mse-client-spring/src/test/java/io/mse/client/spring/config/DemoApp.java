package io.mse.client.spring.config;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import io.mse.client.spring.MseAutoConfiguration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The application the import tests start: mse-client's auto-configuration, Spring Cloud's refresh
 * scope and rebinder, a {@code @ConfigurationProperties("demo")} bean and a {@code @RefreshScope}
 * bean reading {@code demo.greeting}.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({MseAutoConfiguration.class, RefreshAutoConfiguration.class,
    ConfigurationPropertiesRebinderAutoConfiguration.class})
@EnableConfigurationProperties(DemoApp.DemoProperties.class)
public class DemoApp {

  @Bean
  @RefreshScope
  Greeter greeter(@Value("${demo.greeting:none}") String greeting) {
    return new Greeter(greeting);
  }

  @Bean
  ChangeEvents changeEvents() {
    return new ChangeEvents();
  }

  /** The {@code demo.*} properties. */
  @ConfigurationProperties("demo")
  public static class DemoProperties {
    private String greeting = "none";
    private List<String> servers = new ArrayList<>();

    public String getGreeting() {
      return greeting;
    }

    public void setGreeting(String greeting) {
      this.greeting = greeting;
    }

    public List<String> getServers() {
      return servers;
    }

    public void setServers(List<String> servers) {
      this.servers = servers;
    }
  }

  /** A bean rebuilt by the refresh scope; its greeting is fixed at construction. */
  public static class Greeter {
    private final String greeting;

    public Greeter(String greeting) {
      this.greeting = greeting;
    }

    public String greeting() {
      return greeting;
    }
  }

  /** Records the MseConfigChangedEvents. */
  public static class ChangeEvents implements ApplicationListener<MseConfigChangedEvent> {
    final List<MseConfigChangedEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onApplicationEvent(MseConfigChangedEvent event) {
      events.add(event);
    }
  }
}
