/**
 * Spring Boot auto-configuration of mse-client: {@link io.mse.client.spring.MseProperties} (the
 * {@code mse.*} properties) and {@link io.mse.client.spring.MseAutoConfiguration} (one shared
 * {@link io.mse.client.MseClient} and its services as beans).
 *
 * <p>Nullness: parameters and return values are non-null unless documented as nullable.
 */
package io.mse.client.spring;
