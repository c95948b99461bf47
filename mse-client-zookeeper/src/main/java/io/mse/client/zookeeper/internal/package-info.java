/**
 * Implementation of the ZooKeeper engine (Curator sessions, the znode layout, the shared embedded
 * server). Not an API: anything here may change without notice. Parameters and return values are
 * non-null unless documented as nullable.
 */
package io.mse.client.zookeeper.internal;
