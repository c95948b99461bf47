/**
 * Dubbo's application-level service discovery {@code mse}
 * ({@link io.mse.client.dubbo.discovery.MseServiceDiscoveryFactory}), wire-compatible with Dubbo's
 * {@code NacosServiceDiscovery}.
 *
 * <p>Nullness: parameters and return values are non-null unless documented as nullable.
 */
package io.mse.client.dubbo.discovery;
