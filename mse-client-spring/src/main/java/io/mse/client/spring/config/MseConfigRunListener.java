package io.mse.client.spring.config;

import io.mse.client.spring.SpringCloudAlibabaAliases;
import java.util.HashSet;
import java.util.Set;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationRunListener;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * mse-client's part in an application start: once the Environment is prepared (config data
 * processed), gives it Spring Cloud Alibaba's property names as aliases of unset {@code mse.*}
 * properties (see {@link SpringCloudAlibabaAliases#applyTo}; the aliases the imports' client used
 * are not logged twice); when a start fails, wherever it fails, closes the client and the refresher
 * of the {@code mse:} imports: a failure while config data is processed (a missing required import,
 * for one) comes before the context exists, so nothing else would stop the client's threads (and
 * the embedded server). Registered in {@code META-INF/spring.factories}; one per
 * {@link SpringApplication} run.
 */
public final class MseConfigRunListener implements SpringApplicationRunListener {

  private final SpringApplication application;
  private volatile ConfigurableBootstrapContext bootstrap;

  /** Called by Spring Boot with the application being run and its arguments (not used). */
  public MseConfigRunListener(SpringApplication application, String[] args) {
    this.application = application;
  }

  @Override
  public void starting(ConfigurableBootstrapContext bootstrapContext) {
    this.bootstrap = bootstrapContext;
  }

  @Override
  public void environmentPrepared(ConfigurableBootstrapContext bootstrapContext, ConfigurableEnvironment environment) {
    Set<String> logged = new HashSet<>();
    if (bootstrapContext.isRegistered(MseConfigBootstrap.class)) {
      SpringCloudAlibabaAliases.Resolved imports = bootstrapContext.get(MseConfigBootstrap.class).settings().aliases();
      imports.used().forEach(alias -> logged.add(SpringCloudAlibabaAliases.usedLine(alias)));
      logged.addAll(imports.conflicts());
    }
    SpringCloudAlibabaAliases.applyTo(environment, application.getClassLoader(), logged);
  }

  @Override
  public void failed(ConfigurableApplicationContext context, Throwable exception) {
    ConfigurableBootstrapContext current = bootstrap;
    if (current != null && current.isRegistered(MseConfigBootstrap.class)) {
      current.get(MseConfigBootstrap.class).closeAfterFailure();
    }
  }
}
