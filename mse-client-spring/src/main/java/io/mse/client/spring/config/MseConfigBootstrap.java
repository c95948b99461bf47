package io.mse.client.spring.config;

import io.mse.client.MseClient;
import org.apache.commons.logging.Log;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.bootstrap.BootstrapContext;
import org.springframework.boot.bootstrap.BootstrapRegistry.InstanceSupplier;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What the {@code mse:} imports of one application start share, kept in Spring Boot's
 * BootstrapRegistry: the settings read at that phase, the {@link MseClient} (registered there
 * under its own type too, made on first use) and the {@link MseConfigRefresher}.
 *
 * <p>When the BootstrapContext closes (the application context is prepared, no bean made yet),
 * {@link #handOver} registers the client as the singleton {@code mseClient} (closed by the
 * context, once, after every bean that was given it) and the refresher as
 * {@code mseConfigRefresher} (closed before the client), so {@code MseAutoConfiguration} backs off and the whole application shares the one
 * client. A start that fails before or after that point closes both through
 * {@link MseConfigRunListener}. Thread-safe.
 */
final class MseConfigBootstrap {

  /** The name of the client's bean, the same as {@code MseAutoConfiguration}'s. */
  static final String CLIENT_BEAN = "mseClient";

  private final MseConfigSettings settings;
  private final Log log;
  private final MseConfigRefresher refresher;
  private MseClient client;
  private boolean handedOver;

  MseConfigBootstrap(MseConfigSettings settings, DeferredLogFactory logs) {
    this.settings = settings;
    this.log = logs.getLog(MseConfigBootstrap.class);
    this.refresher = new MseConfigRefresher(logs.getLog(MseConfigRefresher.class));
  }

  /**
   * Registers the shared state of the imports in the bootstrap registry on the first import, and
   * the hand-over to the context; returns what is registered.
   */
  static MseConfigBootstrap register(ConfigurableBootstrapContext bootstrap, MseConfigSettings settings,
      DeferredLogFactory logs) {
    if (bootstrap.isRegistered(MseConfigBootstrap.class)) {
      return bootstrap.get(MseConfigBootstrap.class);
    }
    MseConfigBootstrap state = new MseConfigBootstrap(settings, logs);
    bootstrap.register(MseConfigBootstrap.class, InstanceSupplier.of(state));
    bootstrap.registerIfAbsent(MseClient.class, MseConfigBootstrap::newClient);
    bootstrap.addCloseListener(event -> state.handOver(event.getApplicationContext()));
    return state;
  }

  private static MseClient newClient(BootstrapContext bootstrap) {
    return MseClient.create(bootstrap.get(MseConfigBootstrap.class).settings.clientConfig());
  }

  MseConfigSettings settings() {
    return settings;
  }

  /**
   * Loads one import with the client of the bootstrap registry (made now if it is the first).
   *
   * @see MseConfigRefresher#load
   */
  MseConfigPropertySource load(BootstrapContext bootstrap, MseConfigDataResource resource) {
    MseClient shared;
    synchronized (this) {
      if (client == null) {
        client = bootstrap.get(MseClient.class);
      }
      shared = client;
    }
    return refresher.load(resource, shared.config(), shared.settings().requestTimeout());
  }

  /** Registers the client and the refresher as beans of the context being prepared. */
  synchronized void handOver(ConfigurableApplicationContext context) {
    if (client == null || handedOver) {
      return;
    }
    handedOver = true;
    refresher.attach(context);
    ConfigurableListableBeanFactory beans = context.getBeanFactory();
    beans.registerSingleton(CLIENT_BEAN, client);
    beans.registerSingleton(MseConfigRefresher.BEAN_NAME, refresher);
    context.addApplicationListener(refresher);
    // DefaultListableBeanFactory is Spring's only ConfigurableListableBeanFactory. Destroyed in
    // reverse: the refresher (which depends on the client), then the client, after every bean that
    // was given the client.
    DefaultSingletonBeanRegistry singletons = (DefaultSingletonBeanRegistry) beans;
    singletons.registerDisposableBean(CLIENT_BEAN, client::close);
    singletons.registerDisposableBean(MseConfigRefresher.BEAN_NAME, refresher::close);
    singletons.registerDependentBean(CLIENT_BEAN, MseConfigRefresher.BEAN_NAME);
    log.debug("The client of the mse: imports is the context's bean '" + CLIENT_BEAN + "'");
  }

  /**
   * After a failed start: closes the refresher and the client (idempotent; also when the context
   * already closed them, or never made their beans).
   */
  synchronized void closeAfterFailure() {
    refresher.close();
    if (client != null) {
      client.close();
    }
  }
}
