/**
 * The registry: {@link io.mse.client.naming.NamingService}, instances, service keys and
 * subscription events. Parameters and return values are non-null unless documented as nullable.
 */
package io.mse.client.naming;
