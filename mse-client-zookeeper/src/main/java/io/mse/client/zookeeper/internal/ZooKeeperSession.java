package io.mse.client.zookeeper.internal;

import io.mse.client.ServerStatus;
import io.mse.client.ServerUnavailableException;
import io.mse.client.Ticker;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Curator client and its ZooKeeper session: connection-state logging, the hook that runs when
 * a new session replaces a lost one, and {@link #call} which bounds a blocking request by the
 * request timeout and turns ZooKeeper's checked exceptions into {@link ServerUnavailableException}.
 *
 * <p>Threads: Curator's own (connection state, background operations, and the safe-notify thread
 * that runs cache listeners and re-registration; all from the given factory),
 * plus the ZooKeeper client's send and event threads, which take the name of the thread that
 * opens the session; the session is therefore opened on a factory thread, so that all of them are
 * daemon threads named {@code mse-<client>-zk-...}. Thread-safe.
 */
final class ZooKeeperSession implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperSession.class);

  /** Work to do on the server, given the Curator client. */
  @FunctionalInterface
  interface Call<T> {
    T run(CuratorFramework curator) throws Exception;
  }

  private final CuratorFramework curator;
  /** Curator's "run safe" thread (cache listeners, our re-registration); Curator does not stop it on close, we do. */
  private final ExecutorService safeNotify;
  private final ThreadFactory threadFactory;
  /** Made on first use (a retry after a failed re-registration); guarded by this. */
  private ScheduledExecutorService retries;
  private final String server;
  private final Duration requestTimeout;
  private final AtomicBoolean faulted = new AtomicBoolean();
  private final Ticker ticker;
  /** Ticker reading when the connection was last found missing; meaningful while {@link #faulted} is set. */
  private volatile long faultedSince;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong sessionId = new AtomicLong();
  private volatile Runnable onNewSession = () -> { };

  /**
   * @param connectString {@code host:port[,...]}
   * @param chroot Curator namespace (chroot without leading slash), or null
   * @param server how to name the server in messages
   */
  ZooKeeperSession(String connectString, String chroot, String server, Duration requestTimeout,
      Duration sessionTimeout, ThreadFactory threadFactory, Ticker ticker) {
    this.server = server;
    this.ticker = ticker;
    this.requestTimeout = requestTimeout;
    this.safeNotify = Executors.newSingleThreadExecutor(threadFactory);
    this.threadFactory = threadFactory;
    int connectionTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis());
    this.curator = CuratorFrameworkFactory.builder()
        .connectString(connectString)
        .namespace(chroot)
        .sessionTimeoutMs((int) Math.min(Integer.MAX_VALUE, sessionTimeout.toMillis()))
        .connectionTimeoutMs(connectionTimeoutMillis)
        .retryPolicy(new ExponentialBackoffRetry(100, 2, 1000))
        .threadFactory(threadFactory)
        .runSafeService(safeNotify)
        .ensembleTracker(false)
        .build();
    curator.getConnectionStateListenable().addListener((client, state) -> onStateChange(state));
  }

  /** Sets what to run (on Curator's safe-notify thread) when a new session replaced a lost one. */
  void onNewSession(Runnable task) {
    this.onNewSession = task;
  }

  /**
   * Starts the client on a thread of {@code threadFactory} and waits up to the request timeout for
   * the first connection; without one it starts anyway (logging a warning) and keeps connecting.
   */
  void start(ThreadFactory threadFactory) {
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    Thread starter = threadFactory.newThread(() -> {
      try {
        curator.start();
      } catch (RuntimeException e) {
        failure.set(e);
      }
    });
    starter.start();
    try {
      starter.join();
      if (failure.get() != null) {
        throw failure.get();
      }
      if (!curator.blockUntilConnected((int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis()),
          TimeUnit.MILLISECONDS)) {
        // Start anyway, like nacos-client: reads fall back to snapshots and Curator keeps connecting.
        markFaulted();
        LOG.warn("Could not connect to ZooKeeper '{}' within {} ms; starting anyway (snapshots serve reads,"
            + " requests fail until a connection is made)", server, requestTimeout.toMillis());
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServerUnavailableException(server, "Interrupted while connecting to ZooKeeper '" + server + "'", e);
    }
    sessionId.set(currentSessionId());
  }

  String server() {
    return server;
  }

  CuratorFramework curator() {
    return curator;
  }

  /** Returns the current ZooKeeper session id, 0 when there is none yet. */
  long currentSessionId() {
    try {
      return curator.getZookeeperClient().getZooKeeper().getSessionId();
    } catch (Exception e) {
      return 0;
    }
  }

  /** Runs a request with the default request timeout; see {@link #call(String, Duration, Call)}. */
  <T> T call(String resource, Call<T> call) {
    return call(resource, requestTimeout, call);
  }

  /**
   * Runs a blocking request: waits up to {@code timeout} for a connection, then runs it (Curator
   * retries a lost connection twice more).
   *
   * @throws ServerUnavailableException when not connected in time, the connection or session is
   *     lost, or ZooKeeper refuses the request; the message names the server
   * @throws IllegalStateException when the engine is closed
   */
  <T> T call(String resource, Duration timeout, Call<T> call) {
    if (closed.get()) {
      throw new IllegalStateException("the ZooKeeper engine of '" + server + "' is closed");
    }
    try {
      if (!curator.getZookeeperClient().isConnected()
          && !curator.blockUntilConnected((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
        throw new ServerUnavailableException(resource, "ZooKeeper '" + server + "' is not reachable: no connection within "
            + timeout.toMillis() + " ms");
      }
      return call.run(curator);
    } catch (RuntimeException e) {
      throw e;
    } catch (KeeperException e) {
      throw new ServerUnavailableException(resource, "ZooKeeper '" + server + "' failed on '" + resource + "': "
          + e.code() + (e.getPath() == null ? "" : " at '" + e.getPath() + "'"), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServerUnavailableException(resource, "Interrupted while calling ZooKeeper '" + server + "'", e);
    } catch (Exception e) {
      throw new ServerUnavailableException(resource, "ZooKeeper '" + server + "' failed on '" + resource + "': " + e, e);
    }
  }

  /** Returns whether the connection is up, and since when it has not been (from memory). */
  ServerStatus status() {
    if (!faulted.get()) {
      return ServerStatus.REACHABLE;
    }
    return ServerStatus.unreachable(Duration.ofNanos(Math.max(0, ticker.read() - faultedSince)),
        "no connection to ZooKeeper '" + server + "'");
  }

  /** Sets the faulted flag, recording since when; true when it was not set. */
  private boolean markFaulted() {
    long now = ticker.read();
    if (faulted.get()) {
      return false;
    }
    faultedSince = now;
    return faulted.compareAndSet(false, true);
  }

  private void onStateChange(ConnectionState state) {
    switch (state) {
      case CONNECTED -> {
        sessionId.compareAndSet(0, currentSessionId());
        if (faulted.compareAndSet(true, false)) {
          LOG.info("Connected to ZooKeeper '{}' after a failed start", server);
        } else {
          LOG.info("Connected to ZooKeeper '{}'", server);
        }
      }
      case SUSPENDED -> {
        if (markFaulted()) {
          LOG.warn("Lost the connection to ZooKeeper '{}'; reconnecting", server);
        }
      }
      case LOST -> LOG.warn("The session with ZooKeeper '{}' is lost; ephemeral instances will be registered"
          + " again on a new session", server);
      case RECONNECTED -> {
        faulted.set(false);
        long current = currentSessionId();
        long previous = sessionId.getAndSet(current);
        if (current != previous && !closed.get()) {
          LOG.info("Reconnected to ZooKeeper '{}' with a new session", server);
          curator.runSafe(onNewSession);
        } else {
          LOG.info("Reconnected to ZooKeeper '{}'", server);
        }
      }
      default -> LOG.info("ZooKeeper '{}' connection is {}", server, state);
    }
  }

  /**
   * Runs {@code task} on Curator's safe-notify thread after {@code delayMillis}; the timer thread is
   * made on first use and stopped by {@link #close()}. Does nothing once closed.
   */
  synchronized void schedule(Runnable task, long delayMillis) {
    if (closed.get()) {
      return;
    }
    if (retries == null) {
      retries = Executors.newSingleThreadScheduledExecutor(threadFactory);
    }
    retries.schedule(() -> curator.runSafe(task), delayMillis, TimeUnit.MILLISECONDS);
  }

  /** Closes the client and its session (the server then removes its ephemeral nodes). Never throws. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      curator.close();
    } catch (RuntimeException e) {
      LOG.warn("Closing the ZooKeeper client of '{}' failed", server, e);
    } finally {
      safeNotify.shutdownNow();
      synchronized (this) {
        if (retries != null) {
          retries.shutdownNow();
        }
      }
    }
  }
}
