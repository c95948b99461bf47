package io.mse.client.dubbo.registry;

import io.mse.client.MseClient;
import io.mse.client.MseClientConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link MseClient}s of the Dubbo extensions in this JVM, one per distinct setting: the registry, the
 * service discovery, the config center and the metadata report of an application that share an address
 * (Dubbo derives the last two from the registry) share one client, its caches, its beats and its
 * threads. A client is closed when the last extension using it lets go of its lease.
 *
 * <p>Thread-safe. Clients are made and counted under one lock; a client is closed outside it.
 */
public final class SharedClients {

  private static final Logger LOG = LoggerFactory.getLogger(SharedClients.class);
  private static final Map<Key, Shared> CLIENTS = new HashMap<>();

  /** What tells two client settings apart (every field of {@link MseClientConfig} but the ticker). */
  private record Key(String serverAddr, String namespace, String username, String password, Path snapshotDir,
      Path embeddedDataDir, Duration requestTimeout, boolean pushEmptyProtection, Map<String, String> properties) {

    static Key of(MseClientConfig c) {
      return new Key(c.serverAddr(), c.namespace(), c.username(), c.password(), c.snapshotDir(), c.embeddedDataDir(),
          c.requestTimeout(), c.pushEmptyProtection(), c.properties());
    }
  }

  private static final class Shared {
    final MseClient client;
    int leases;

    Shared(MseClient client) {
      this.client = client;
    }
  }

  private SharedClients() {}

  /**
   * Returns a lease on the client of {@code settings}, making and starting the client when no lease on
   * it is held.
   *
   * @throws IllegalArgumentException when no engine on the class path accepts the address (e.g.
   *     {@code embedded} without {@code mse-client-zookeeper})
   * @throws io.mse.client.ServerUnavailableException when the embedded server cannot be started
   */
  public static Lease acquire(MseClientConfig settings) {
    Objects.requireNonNull(settings, "settings");
    Key key = Key.of(settings);
    synchronized (CLIENTS) {
      Shared shared = CLIENTS.get(key);
      if (shared == null || shared.client.isClosed()) {
        shared = new Shared(MseClient.create(settings));
        CLIENTS.put(key, shared);
        LOG.debug("Made the shared client of '{}' (namespace '{}')", settings.serverAddr(), settings.namespace());
      }
      shared.leases++;
      return new Lease(key, shared);
    }
  }

  /** Returns how many shared clients are open (with at least one lease). */
  public static int openClients() {
    synchronized (CLIENTS) {
      return CLIENTS.size();
    }
  }

  private static void release(Key key, Shared shared) {
    boolean last;
    synchronized (CLIENTS) {
      last = --shared.leases == 0;
      if (last && CLIENTS.get(key) == shared) {
        CLIENTS.remove(key);
      }
    }
    if (last) {
      shared.client.close();
    }
  }

  /**
   * One holder's use of a shared client. {@link #close()} lets go of it (idempotent); the last one closes
   * the client, which deregisters the instances it still holds. Thread-safe.
   */
  public static final class Lease implements AutoCloseable {
    private final Key key;
    private final Shared shared;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Lease(Key key, Shared shared) {
      this.key = key;
      this.shared = shared;
    }

    /** Returns the client; the same one for every lease of the same settings while any is held. */
    public MseClient client() {
      return shared.client;
    }

    /** Lets go of the client; closes it when this was its last lease. */
    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        release(key, shared);
      }
    }

    @Override
    public String toString() {
      return "Lease[" + shared.client.settings() + "]";
    }
  }
}
