/**
 * Dubbo's config center {@code mse} ({@link io.mse.client.dubbo.config.MseDynamicConfigurationFactory})
 * on mse-client's config service, and the config listeners the metadata report shares with it
 * ({@link io.mse.client.dubbo.config.ConfigWatches}).
 *
 * <p>Nullness: parameters and return values are non-null unless documented as nullable.
 */
package io.mse.client.dubbo.config;
