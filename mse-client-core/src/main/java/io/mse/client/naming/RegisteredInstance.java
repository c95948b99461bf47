package io.mse.client.naming;

import java.time.Instant;
import java.util.Objects;

/**
 * An instance this client registered and has not deregistered (read from memory by
 * {@link io.mse.client.MseClient#registrations()}). Immutable and thread-safe.
 *
 * @param service the service it is registered in
 * @param instance the instance as registered
 * @param registeredAt when the registration succeeded, by the wall clock of this host
 */
public record RegisteredInstance(ServiceKey service, Instance instance, Instant registeredAt) {

  /**
   * Checks the components.
   *
   * @throws NullPointerException when a component is null
   */
  public RegisteredInstance {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(registeredAt, "registeredAt");
  }
}
