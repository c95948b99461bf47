/**
 * Spring Cloud Commons discovery served from mse-client's registry:
 * {@link io.mse.client.spring.discovery.MseDiscoveryClient} and the instances it returns,
 * {@link io.mse.client.spring.discovery.MseServiceInstance}.
 *
 * <p>Nullness: parameters and return values are non-null unless documented as nullable.
 */
package io.mse.client.spring.discovery;
