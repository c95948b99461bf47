/**
 * The config center: {@link io.mse.client.config.ConfigService}, config keys and change listeners.
 * Parameters and return values are non-null unless documented as nullable.
 */
package io.mse.client.config;
