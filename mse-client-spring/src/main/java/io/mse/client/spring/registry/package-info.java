/**
 * Registration of this application in mse-client's registry, on Spring Cloud Commons' service-registry
 * extension points: {@link io.mse.client.spring.registry.MseRegistration} (the instance),
 * {@link io.mse.client.spring.registry.MseServiceRegistry}, {@link io.mse.client.spring.registry.MseAutoServiceRegistration}
 * (registers with the web server's real port), {@link io.mse.client.spring.registry.GracefulDeregistration}
 * (deregisters and drains before the web server stops), the in-flight request counters and
 * {@link io.mse.client.spring.registry.HostAddressChooser} (which address to register).
 *
 * <p>Nullness: parameters and return values are non-null unless documented as nullable.
 */
package io.mse.client.spring.registry;
