/**
 * Spring Boot actuator support: {@link io.mse.client.spring.actuate.MseHealthIndicator} (the server
 * connection, DOWN only past a threshold) and {@link io.mse.client.spring.actuate.MseEndpoint} (the
 * {@code mse} endpoint: registrations, subscriptions, configs, governance state).
 *
 * <p>Nullness: parameters and return values are non-null unless documented as nullable.
 */
package io.mse.client.spring.actuate;
