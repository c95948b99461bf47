package io.mse.client.spring.config;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationRunListener;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Closes the client and the refresher of the {@code mse:} imports when a start fails, wherever it
 * fails: a failure while config data is processed (a missing required import, for one) comes
 * before the context exists, so nothing else would stop the client's threads (and the embedded
 * server). Registered in {@code META-INF/spring.factories}; one per {@link SpringApplication} run.
 * Does nothing when the application imports no {@code mse:} config.
 */
public final class MseConfigRunListener implements SpringApplicationRunListener {

  private volatile ConfigurableBootstrapContext bootstrap;

  /** Called by Spring Boot with the application being run and its arguments (neither is used). */
  public MseConfigRunListener(SpringApplication application, String[] args) {
    // nothing to keep: only the bootstrap context matters
  }

  @Override
  public void starting(ConfigurableBootstrapContext bootstrapContext) {
    this.bootstrap = bootstrapContext;
  }

  @Override
  public void failed(ConfigurableApplicationContext context, Throwable exception) {
    ConfigurableBootstrapContext current = bootstrap;
    if (current != null && current.isRegistered(MseConfigBootstrap.class)) {
      current.get(MseConfigBootstrap.class).closeAfterFailure();
    }
  }
}
