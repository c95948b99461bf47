package io.mse.client.naming;

import java.time.Instant;
import java.util.Objects;

/**
 * A service the client follows (it was read or subscribed to), as it holds it now (read from memory
 * by {@link io.mse.client.MseClient#followedServices()}). Immutable and thread-safe.
 *
 * @param service the service's key
 * @param instances how many instances it holds, healthy or not
 * @param healthy how many of them are healthy, enabled and of positive weight
 * @param listeners how many listeners are subscribed
 * @param lastChanged when the list held was last set (the first read or a change), by the wall clock of
 *     this host; null when not read yet
 */
public record FollowedService(ServiceKey service, int instances, int healthy, int listeners, Instant lastChanged) {

  /**
   * Checks the components.
   *
   * @throws NullPointerException when {@code service} is null
   */
  public FollowedService {
    Objects.requireNonNull(service, "service");
  }
}
