package io.mse.client.spring.registry;

import org.springframework.boot.SpringApplication;

/**
 * {@link TestApplications.ServletApp} as a process of its own, for tests that stop it with a real
 * signal: Spring Boot's shutdown hook (registered by default) closes the context on SIGTERM, which
 * deregisters and drains it. Arguments are Spring Boot's ({@code --name=value}).
 */
public final class ForkedProvider {

  private ForkedProvider() {}

  public static void main(String[] args) {
    SpringApplication.run(TestApplications.ServletApp.class, args);
  }
}
