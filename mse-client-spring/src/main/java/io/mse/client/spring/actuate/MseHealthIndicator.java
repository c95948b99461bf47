package io.mse.client.spring.actuate;

import io.mse.client.MseClient;
import io.mse.client.ServerStatus;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The health of the connection to the registry/config server, from the client's memory (no request
 * is made; {@link MseClient#serverStatus()}).
 *
 * <p>UP while the server answers, and also while it has been unreachable for less than
 * {@code mse.health.unreachable-threshold}: the application keeps working from cached data, so a
 * short outage of the registry must not make a platform restart every instance. DOWN once the outage
 * lasts longer. Details: the server and namespace, whether it is reachable, for how long it has not
 * been, the last failure, and when unreachable the cached data being served (the listened configs'
 * keys and the followed services). Thread-safe.
 */
public final class MseHealthIndicator extends AbstractHealthIndicator {

  private final MseClient client;
  private final Duration unreachableThreshold;

  /**
   * @param client the client whose server is watched
   * @param unreachableThreshold how long the server may be unreachable while UP; not negative
   * @throws IllegalArgumentException when the threshold is negative, naming the property
   */
  public MseHealthIndicator(MseClient client, Duration unreachableThreshold) {
    super("mse-client health check failed");
    this.client = Objects.requireNonNull(client, "client");
    if (unreachableThreshold == null || unreachableThreshold.isNegative()) {
      throw new IllegalArgumentException("mse.health.unreachable-threshold " + unreachableThreshold
          + " is invalid: it must be zero or positive");
    }
    this.unreachableThreshold = unreachableThreshold;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    ServerStatus status = client.serverStatus();
    builder.withDetail("server", client.settings().serverAddr())
        .withDetail("namespace", client.settings().namespace().isEmpty() ? "public" : client.settings().namespace())
        .withDetail("reachable", status.reachable());
    if (status.reachable()) {
      builder.up();
      return;
    }
    List<String> configs = client.listenedConfigs().stream()
        .map(c -> c.key().group() + "/" + c.key().dataId() + (c.md5().isEmpty() ? " (absent)" : "")).sorted().toList();
    List<String> services = client.followedServices().stream()
        .map(s -> s.service().groupedName() + " (" + s.instances() + " instances)").sorted().toList();
    builder.withDetail("unreachableFor", status.unreachableFor().toString())
        .withDetail("unreachableThreshold", unreachableThreshold.toString())
        .withDetail("lastFault", String.valueOf(status.lastFault()))
        .withDetail("servingCachedConfigs", configs)
        .withDetail("servingCachedServices", services);
    if (status.unreachableFor().compareTo(unreachableThreshold) > 0) {
      builder.down();
    } else {
      builder.up();
    }
  }
}
