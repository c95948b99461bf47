package io.mse.client.zookeeper.internal;

import io.mse.client.MseClientConfig;
import io.mse.client.ServerStatus;
import io.mse.client.spi.ConfigEngine;
import io.mse.client.spi.Engine;
import io.mse.client.spi.EngineContext;
import io.mse.client.spi.NamingEngine;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ZooKeeper engine: one Curator session (see {@link ZooKeeperSession}) shared by the config and
 * naming halves, and, for the address {@code embedded}, a lease on the shared in-process server.
 * Thread-safe; {@link #close()} is idempotent and never throws.
 */
public final class ZooKeeperEngine implements Engine {

  private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperEngine.class);

  /** Engine property: the root node of the layout, default {@value ZooKeeperLayout#DEFAULT_ROOT}. */
  public static final String ROOT_PROPERTY = "zookeeper.root";
  /** Engine property: the session timeout in milliseconds, default five request timeouts, at least 4000. */
  public static final String SESSION_TIMEOUT_PROPERTY = "zookeeper.sessionTimeoutMillis";

  private static final long MIN_SESSION_TIMEOUT_MILLIS = 4000;

  private final ZooKeeperSession zk;
  private final ZooKeeperConfigEngine config;
  private final ZooKeeperNamingEngine naming;
  private final EmbeddedZooKeeperServers.Lease lease;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ZooKeeperEngine(ZooKeeperSession zk, ZooKeeperLayout layout, EngineContext context,
      EmbeddedZooKeeperServers.Lease lease) {
    this.zk = zk;
    this.lease = lease;
    this.config = new ZooKeeperConfigEngine(zk, layout, context.configSink());
    this.naming = new ZooKeeperNamingEngine(zk, layout, context.namingSink());
  }

  /**
   * Checks the settings, starts (or joins) the embedded server when the address is
   * {@code embedded}, and connects.
   *
   * @throws IllegalArgumentException when the address or an engine property is malformed
   * @throws io.mse.client.ServerUnavailableException when the embedded server cannot be started; an
   *     unreachable {@code zookeeper://} server does not stop the start (reads use snapshots until it answers)
   */
  public static ZooKeeperEngine start(EngineContext context) {
    MseClientConfig settings = context.config();
    ZooKeeperLayout layout = new ZooKeeperLayout(settings.property(ROOT_PROPERTY, ZooKeeperLayout.DEFAULT_ROOT));
    Duration sessionTimeout = sessionTimeout(settings);
    boolean embedded = MseClientConfig.EMBEDDED.equals(settings.serverAddr());
    ZooKeeperAddress address = embedded ? null : ZooKeeperAddress.parse(settings.serverAddr());
    if (settings.username() != null) {
      LOG.warn("Credentials of user '{}' are ignored: the ZooKeeper engine does not authenticate yet",
          settings.username());
    }
    ThreadFactory threads = context.threadFactory("zk");
    EmbeddedZooKeeperServers.Lease lease = embedded ? EmbeddedZooKeeperServers.acquire(settings.embeddedDataDir()) : null;
    ZooKeeperSession zk = null;
    try {
      String connectString = embedded ? lease.connectString() : address.connectString();
      String chroot = embedded ? null : address.chroot();
      String server = embedded ? "embedded " + connectString : connectString + (chroot == null ? "" : "/" + chroot);
      zk = new ZooKeeperSession(connectString, chroot, server, settings.requestTimeout(), sessionTimeout, threads,
          settings.ticker());
      ZooKeeperEngine engine = new ZooKeeperEngine(zk, layout, context, lease);
      zk.start(threads);
      LOG.debug("ZooKeeper engine of client '{}' on '{}' under '{}', session timeout {} ms", context.clientId(),
          server, layout.root(), sessionTimeout.toMillis());
      return engine;
    } catch (RuntimeException e) {
      if (zk != null) {
        zk.close();
      }
      if (lease != null) {
        lease.close();
      }
      throw e;
    }
  }

  @Override
  public ConfigEngine config() {
    return config;
  }

  @Override
  public NamingEngine naming() {
    return naming;
  }

  @Override
  public ServerStatus status() {
    return zk.status();
  }

  /** Returns the session; for tests in this package. */
  ZooKeeperSession session() {
    return zk;
  }

  /**
   * Stops watches, closes the session (ZooKeeper then removes this client's ephemeral instances)
   * and lets go of the embedded server, which stops when this was its last client.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      naming.close();
      config.close();
    } catch (RuntimeException e) {
      LOG.warn("Stopping the watches of ZooKeeper '{}' failed", zk.server(), e);
    }
    zk.close();
    if (lease != null) {
      lease.close();
    }
    LOG.debug("ZooKeeper engine on '{}' closed", zk.server());
  }

  private static Duration sessionTimeout(MseClientConfig settings) {
    String value = settings.property(SESSION_TIMEOUT_PROPERTY, null);
    if (value == null) {
      return Duration.ofMillis(Math.max(MIN_SESSION_TIMEOUT_MILLIS, settings.requestTimeout().toMillis() * 5));
    }
    long millis;
    try {
      millis = Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      millis = -1;
    }
    if (millis < 1000 || millis > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(SESSION_TIMEOUT_PROPERTY + " '" + value + "' is invalid: it is a whole number"
          + " of milliseconds, at least 1000 (the server may raise it to twice its tick time)");
    }
    return Duration.ofMillis(millis);
  }
}
