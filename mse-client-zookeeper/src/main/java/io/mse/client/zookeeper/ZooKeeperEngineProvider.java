package io.mse.client.zookeeper;

import io.mse.client.MseClientConfig;
import io.mse.client.spi.Engine;
import io.mse.client.spi.EngineContext;
import io.mse.client.spi.EngineProvider;
import io.mse.client.zookeeper.internal.ZooKeeperAddress;
import io.mse.client.zookeeper.internal.ZooKeeperEngine;

/**
 * Makes ZooKeeper engines (Apache Curator) for the addresses {@code zookeeper://host:port[,host:port...][/chroot]}
 * (a port defaults to 2181; IPv6 hosts in brackets) and {@code embedded}, an in-process ZooKeeper
 * server on a free loopback port, shared by all clients of the JVM that use the same
 * {@link MseClientConfig#embeddedDataDir() data directory} and stopped when the last of them closes.
 *
 * <p>Engine properties ({@link io.mse.client.MseClient.Builder#property}):
 * <ul>
 *   <li>{@value #ROOT_PROPERTY}: the root node, default {@code /mse}. Configs live at
 *       {@code <root>/<namespace>/config/<group>/<dataId>}, instances at
 *       {@code <root>/<namespace>/naming/<group>/<service>/<ip#port#cluster>}; the public
 *       namespace is spelled {@code public}.</li>
 *   <li>{@value #SESSION_TIMEOUT_PROPERTY}: the ZooKeeper session timeout in milliseconds, default
 *       five request timeouts and at least 4000. An ephemeral instance of a client that died
 *       disappears about this long after its last contact.</li>
 * </ul>
 *
 * <p>Found by {@link java.util.ServiceLoader}; stateless and thread-safe.
 */
public final class ZooKeeperEngineProvider implements EngineProvider {

  /** Engine property naming the root node; default {@code /mse}. */
  public static final String ROOT_PROPERTY = ZooKeeperEngine.ROOT_PROPERTY;
  /** Engine property naming the session timeout in milliseconds. */
  public static final String SESSION_TIMEOUT_PROPERTY = ZooKeeperEngine.SESSION_TIMEOUT_PROPERTY;

  /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
  public ZooKeeperEngineProvider() {}

  /** Returns {@code "zookeeper"}. */
  @Override
  public String name() {
    return "zookeeper";
  }

  /**
   * Returns true for {@code embedded} and for any address starting with {@code zookeeper://} (any
   * letter case), well-formed or not: a malformed one is rejected by {@link #create} with a message
   * that says why. Does no I/O.
   */
  @Override
  public boolean supports(String serverAddr) {
    return MseClientConfig.EMBEDDED.equals(serverAddr) || ZooKeeperAddress.hasScheme(serverAddr);
  }

  @Override
  public String addressForms() {
    return ZooKeeperAddress.FORM + " or " + MseClientConfig.EMBEDDED;
  }

  /**
   * Connects to the ZooKeeper ensemble (starting or joining the embedded server first for
   * {@code embedded}) and waits up to the request timeout for the session; without one it starts
   * anyway and keeps connecting.
   *
   * @throws IllegalArgumentException when the address, {@value #ROOT_PROPERTY} or
   *     {@value #SESSION_TIMEOUT_PROPERTY} is malformed; the message quotes the value and the rule
   * @throws io.mse.client.ServerUnavailableException when the embedded server cannot start
   */
  @Override
  public Engine create(EngineContext context) {
    return ZooKeeperEngine.start(context);
  }
}
