/**
 * Dubbo's interface-level registry {@code mse} ({@link io.mse.client.dubbo.registry.MseRegistryFactory}),
 * wire-compatible with Dubbo's Nacos registry, and what the extensions of {@code mse-client-dubbo} share:
 * the reading of {@code mse://} addresses ({@link io.mse.client.dubbo.registry.ClientSettings}) and the
 * JVM's shared clients ({@link io.mse.client.dubbo.registry.SharedClients}).
 *
 * <p>Nullness: parameters and return values are non-null unless documented as nullable.
 */
package io.mse.client.dubbo.registry;
