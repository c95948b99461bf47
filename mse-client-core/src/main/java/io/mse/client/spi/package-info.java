/**
 * The engine SPI: how a server (Nacos-compatible, ZooKeeper...) is plugged in beneath the caches.
 * An engine reports facts through the sinks; it keeps no caches and notifies no user listeners.
 * Parameters and return values are non-null unless documented as nullable.
 */
package io.mse.client.spi;
