package io.mse.client.spring.registry;

import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingService;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.serviceregistry.ServiceRegistry;

/**
 * A Spring Cloud {@link ServiceRegistry} over mse-client's {@link NamingService}. Thread-safe.
 *
 * <p>{@link #close()} does nothing: the client is shared by the application context and closed with
 * it. Statuses ({@link #setStatus}, {@link #getStatus}, as Spring Cloud's {@code serviceregistry}
 * actuator endpoint uses them): {@code UP} is an enabled instance, {@code OUT_OF_SERVICE} (or
 * {@code DOWN}) a disabled one that receives no traffic but stays registered.
 */
public final class MseServiceRegistry implements ServiceRegistry<MseRegistration> {

  private static final Logger LOG = LoggerFactory.getLogger(MseServiceRegistry.class);

  /** The status of an enabled instance. */
  public static final String UP = "UP";
  /** The status of a disabled instance. */
  public static final String OUT_OF_SERVICE = "OUT_OF_SERVICE";

  private final NamingService naming;

  /**
   * @throws NullPointerException when {@code naming} is null
   */
  public MseServiceRegistry(NamingService naming) {
    this.naming = Objects.requireNonNull(naming, "naming");
  }

  /**
   * Registers the instance.
   *
   * @throws IllegalArgumentException when the registration has no port yet or a value breaks a rule
   * @throws io.mse.client.MseException as {@link NamingService#registerInstance(String, String, Instance)}
   */
  @Override
  public void register(MseRegistration registration) {
    Instance instance = registration.toInstance();
    naming.registerInstance(registration.getServiceId(), registration.getGroup(), instance);
    LOG.info("Registered '{}' at {} in group '{}'", registration.getServiceId(), instance.address(),
        registration.getGroup());
  }

  /**
   * Deregisters the instance; deregistering an unknown instance is not an error.
   *
   * @throws io.mse.client.MseException as {@link NamingService#deregisterInstance(String, String, Instance)}
   */
  @Override
  public void deregister(MseRegistration registration) {
    naming.deregisterInstance(registration.getServiceId(), registration.getGroup(), registration.toInstance());
    LOG.info("Deregistered '{}' at {}:{} from group '{}'", registration.getServiceId(), registration.getHost(),
        registration.getPort(), registration.getGroup());
  }

  /** Does nothing: the client is closed with the application context. */
  @Override
  public void close() {
    // the MseClient is a shared bean, closed by the context
  }

  /**
   * Enables ({@code UP}) or disables ({@code OUT_OF_SERVICE}, {@code DOWN}) the instance in place.
   *
   * @throws IllegalArgumentException when {@code status} is none of those (case-insensitive)
   * @throws UnsupportedOperationException when the engine cannot update an instance in place
   * @throws io.mse.client.MseException as {@link NamingService#updateInstance}
   */
  @Override
  public void setStatus(MseRegistration registration, String status) {
    String normalized = status == null ? "" : status.strip().toUpperCase(Locale.ROOT);
    boolean enabled = switch (normalized) {
      case UP -> true;
      case OUT_OF_SERVICE, "DOWN" -> false;
      default -> throw new IllegalArgumentException("status '" + status + "' is invalid: it must be UP,"
          + " OUT_OF_SERVICE or DOWN");
    };
    naming.updateInstance(registration.getServiceId(), registration.getGroup(),
        registration.toInstance().toBuilder().enabled(enabled).build());
  }

  /**
   * Returns {@code UP} or {@code OUT_OF_SERVICE} as the registry shows the instance now, or null
   * when it is not registered.
   */
  @Override
  @SuppressWarnings("unchecked")
  public <T> T getStatus(MseRegistration registration) {
    Instance own = registration.toInstance();
    return (T) naming.getAllInstances(registration.getServiceId(), registration.getGroup()).stream()
        .filter(own::sameEndpoint).findFirst().map(i -> i.enabled() ? UP : OUT_OF_SERVICE).orElse(null);
  }
}
