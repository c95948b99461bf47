package io.mse.client.spring.registry;

import io.mse.client.ServerUnavailableException;
import io.mse.client.spi.Backoff;
import io.mse.client.spi.NamedThreadFactory;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.cloud.client.serviceregistry.AbstractAutoServiceRegistration;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationProperties;
import org.springframework.context.ApplicationContext;

/**
 * Registers this application when its web server has started, on Spring Cloud Commons' lifecycle
 * ({@link AbstractAutoServiceRegistration}: {@code InstancePreRegisteredEvent} and
 * {@code InstanceRegisteredEvent} are published, {@code RegistrationLifecycle} beans are called, the
 * management server's own start is ignored).
 *
 * <p>The port registered is the web server's actual one (with {@code server.port=0}, the port it
 * was given), unless {@code mse.discovery.port} sets one. Only web servers of this application's
 * context or of its descendants count; the first one registers.
 *
 * <p>A server that cannot be reached does not fail the start: the registration is retried in the
 * background (after 1 s, doubling up to 30 s, on the daemon thread {@code mse-registration-retry})
 * until it succeeds or the application stops. A refusal (bad credentials, an instance the server
 * rejects) fails the start, as it would never succeed. Deregistration is the job of
 * {@link GracefulDeregistration}, before the web server stops; {@link #stop()} here is a fallback that
 * Spring Cloud calls when the bean is destroyed. Thread-safe.
 */
public final class MseAutoServiceRegistration extends AbstractAutoServiceRegistration<MseRegistration> {

  private static final Logger LOG = LoggerFactory.getLogger(MseAutoServiceRegistration.class);
  private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  private static final Duration LONGEST_RETRY = Duration.ofSeconds(30);

  private final ApplicationContext context;
  private final MseRegistration registration;
  private final boolean enabled;
  private final Object retryLock = new Object();
  /** Guarded by retryLock. */
  private ScheduledExecutorService retries;
  /** Guarded by retryLock. */
  private ScheduledFuture<?> pendingRetry;
  /** Guarded by retryLock. */
  private int failures;

  /**
   * @param context this application's context (events are published there)
   * @param serviceRegistry the registry to register with
   * @param properties Spring Cloud's {@code spring.cloud.service-registry.auto-registration.*}; nullable
   * @param registration this application's instance
   * @param enabled whether to register at all ({@code mse.discovery.register-enabled})
   */
  public MseAutoServiceRegistration(ApplicationContext context, MseServiceRegistry serviceRegistry,
      AutoServiceRegistrationProperties properties, MseRegistration registration, boolean enabled) {
    super(context, serviceRegistry, properties);
    this.context = context;
    this.registration = registration;
    this.enabled = enabled;
  }

  /** Takes the port of the first web server of this context or a descendant (not a management server). */
  @Override
  public void onApplicationEvent(WebServerInitializedEvent event) {
    if (!ownOrDescendant(event.getApplicationContext())) {
      return;
    }
    if (!"management".equals(event.getApplicationContext().getServerNamespace())) {
      registration.port(event.getWebServer().getPort());
    }
    super.onApplicationEvent(event);
  }

  @Override
  protected MseRegistration getRegistration() {
    return registration;
  }

  /** Returns null: the management server is not registered as a service of its own. */
  @Override
  protected MseRegistration getManagementRegistration() {
    return null;
  }

  @Override
  protected Object getConfiguration() {
    return registration;
  }

  @Override
  protected boolean isEnabled() {
    return enabled;
  }

  /**
   * Registers; when the server cannot be reached, logs a WARN and retries in the background.
   *
   * @throws io.mse.client.MseException when the server refuses the registration
   * @throws IllegalArgumentException when the registration breaks a rule of the registry
   */
  @Override
  protected void register() {
    try {
      super.register();
    } catch (ServerUnavailableException e) {
      LOG.warn("Could not register '{}' at {}:{} yet ({}); retrying in the background", registration.getServiceId(),
          registration.getHost(), registration.getPort(), e.getMessage());
      scheduleRetry();
    }
  }

  /** Stops retrying, then deregisters if registered (Spring Cloud's stop). Idempotent. */
  @Override
  public void stop() {
    cancelRetries();
    super.stop();
  }

  /** Returns this application's registration. */
  public MseRegistration registrationView() {
    return registration;
  }

  /** Returns true when a registration retry is pending (the server could not be reached yet). */
  public boolean isRetrying() {
    synchronized (retryLock) {
      return pendingRetry != null && !pendingRetry.isDone();
    }
  }

  private void scheduleRetry() {
    synchronized (retryLock) {
      if (retries == null) {
        retries = Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("mse-registration-retry"));
      }
      failures++;
      Duration wait = Backoff.jittered(failures, FIRST_RETRY, LONGEST_RETRY);
      pendingRetry = retries.schedule(this::retry, wait.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void retry() {
    if (!isRunning()) {
      return;
    }
    try {
      getServiceRegistry().register(registration);
      synchronized (retryLock) {
        failures = 0;
      }
    } catch (ServerUnavailableException e) {
      LOG.debug("Registration of '{}' failed again: {}", registration.getServiceId(), e.getMessage());
      scheduleRetry();
    } catch (RuntimeException e) {
      LOG.error("The registration of '{}' was refused; giving up: {}", registration.getServiceId(), e.toString());
    }
  }

  private void cancelRetries() {
    synchronized (retryLock) {
      if (retries != null) {
        retries.shutdownNow();
        retries = null;
        pendingRetry = null;
      }
    }
  }

  private boolean ownOrDescendant(ApplicationContext other) {
    for (ApplicationContext c = other; c != null; c = c.getParent()) {
      if (c == context) {
        return true;
      }
    }
    return false;
  }
}
