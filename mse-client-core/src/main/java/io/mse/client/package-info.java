/**
 * The entry point of mse-client: {@link io.mse.client.MseClient}, its settings
 * ({@link io.mse.client.MseClientConfig}) and the root of its runtime refusals
 * ({@link io.mse.client.MseException}).
 *
 * <p>Nullness: parameters and return values are non-null unless documented as nullable.
 */
package io.mse.client;
