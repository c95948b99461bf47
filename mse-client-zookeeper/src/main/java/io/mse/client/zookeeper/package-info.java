/**
 * The ZooKeeper engine of mse-client: {@link io.mse.client.zookeeper.ZooKeeperEngineProvider} makes
 * engines for {@code zookeeper://host:port[,...][/chroot]} and {@code embedded}. Add this module to the
 * class path and choose the address with {@code MseClient.builder().serverAddr(...)}.
 * Parameters and return values are non-null unless documented as nullable.
 */
package io.mse.client.zookeeper;
