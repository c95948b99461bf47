package io.mse.client.zookeeper.internal;

import io.mse.client.ServerUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process ZooKeeper servers of this JVM, one per data directory, shared and
 * reference-counted: every client built with the address {@code embedded} and the same data
 * directory (or, for the default, none) {@linkplain #acquire acquires} the same server, and the
 * last {@link Lease#close()} stops it. A server listens on a free port of 127.0.0.1 only, with the
 * admin server off. The default server keeps its data in a temporary directory deleted when it
 * stops; a server on a given data directory keeps its data there, and holds a file lock on it so a
 * second process cannot run a server on the same directory. Thread-safe.
 */
public final class EmbeddedZooKeeperServers {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedZooKeeperServers.class);
  private static final long START_TIMEOUT_MILLIS = 30_000;
  private static final String LOCK_FILE = "mse-embedded.lock";

  /** Guarded by the class lock. Key: the real path of the data directory, or "" for the default server. */
  private static final Map<String, Server> SERVERS = new HashMap<>();

  private EmbeddedZooKeeperServers() {}

  /** What is known of a running server, for diagnostics and tests. */
  public record ServerInfo(String connectString, Path dataDir, int references) {}

  /**
   * Starts the server of {@code dataDir} or joins the running one.
   *
   * @param dataDir the data directory, created if needed; null for the JVM-wide default server on a
   *     temporary directory
   * @throws ServerUnavailableException when the server cannot start (the directory is locked by
   *     another process, a disk error, no free port)
   */
  public static synchronized Lease acquire(Path dataDir) {
    String key = key(dataDir);
    Server server = SERVERS.get(key);
    if (server == null) {
      server = Server.start(dataDir);
      SERVERS.put(key, server);
    }
    server.references++;
    LOG.debug("Embedded ZooKeeper '{}' now has {} client(s)", server.connectString, server.references);
    return new Lease(key, server);
  }

  /** Returns the running server of {@code dataDir} (null: the default one), if any. */
  public static synchronized Optional<ServerInfo> find(Path dataDir) {
    Server server = SERVERS.get(key(dataDir));
    return server == null ? Optional.empty()
        : Optional.of(new ServerInfo(server.connectString, server.dataDir, server.references));
  }

  private static synchronized void release(String key, Server server) {
    if (--server.references > 0) {
      LOG.debug("Embedded ZooKeeper '{}' still has {} client(s)", server.connectString, server.references);
      return;
    }
    SERVERS.remove(key, server);
    server.stop();
  }

  private static String key(Path dataDir) {
    if (dataDir == null) {
      return "";
    }
    try {
      Files.createDirectories(dataDir);
      return dataDir.toRealPath().toString();
    } catch (IOException e) {
      throw new ServerUnavailableException("embedded", "Cannot use the embedded ZooKeeper data directory '"
          + dataDir + "': " + e, e);
    }
  }

  /** One client's hold on a running server. {@link #close()} is idempotent. Thread-safe. */
  public static final class Lease implements AutoCloseable {
    private final String key;
    private final Server server;
    private boolean closed;

    private Lease(String key, Server server) {
      this.key = key;
      this.server = server;
    }

    /** Returns the server's connect string, {@code 127.0.0.1:<port>}. */
    public String connectString() {
      return server.connectString;
    }

    /** Lets go of the server, stopping it when this was the last lease. Never throws. */
    @Override
    public void close() {
      synchronized (EmbeddedZooKeeperServers.class) {
        if (closed) {
          return;
        }
        closed = true;
        release(key, server);
      }
    }
  }

  private static final class Server {
    private final ZooKeeperServerEmbedded zooKeeper;
    private final Path baseDir;
    private final Path dataDir;
    private final boolean temporaryData;
    private final FileChannel lockChannel;
    private final String connectString;
    private int references;

    private Server(ZooKeeperServerEmbedded zooKeeper, Path baseDir, Path dataDir, boolean temporaryData,
        FileChannel lockChannel, String connectString) {
      this.zooKeeper = zooKeeper;
      this.baseDir = baseDir;
      this.dataDir = dataDir;
      this.temporaryData = temporaryData;
      this.lockChannel = lockChannel;
      this.connectString = connectString;
    }

    static Server start(Path requestedDataDir) {
      Path baseDir = null;
      FileChannel lock = null;
      ZooKeeperServerEmbedded zooKeeper = null;
      try {
        baseDir = Files.createTempDirectory("mse-zk-");
        Path dataDir = requestedDataDir == null ? baseDir.resolve("data") : requestedDataDir.toRealPath();
        Files.createDirectories(dataDir);
        if (requestedDataDir != null) {
          lock = lock(dataDir);
        }
        zooKeeper = ZooKeeperServerEmbedded.builder()
            .baseDir(baseDir)
            .configuration(properties(dataDir))
            .exitHandler(ExitHandler.LOG_ONLY)
            .build();
        zooKeeper.start(START_TIMEOUT_MILLIS);
        String connectString = loopback(zooKeeper.getConnectionString());
        LOG.info("Started the embedded ZooKeeper server on {} with data in '{}'{}", connectString, dataDir,
            requestedDataDir == null ? " (temporary, deleted when the last client closes)" : "");
        return new Server(zooKeeper, baseDir, dataDir, requestedDataDir == null, lock, connectString);
      } catch (ServerUnavailableException e) {
        cleanUp(zooKeeper, lock, baseDir);
        throw e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        cleanUp(zooKeeper, lock, baseDir);
        throw new ServerUnavailableException("embedded", "Interrupted while starting the embedded ZooKeeper server", e);
      } catch (Exception e) {
        cleanUp(zooKeeper, lock, baseDir);
        throw new ServerUnavailableException("embedded", "Cannot start the embedded ZooKeeper server with data in '"
            + (requestedDataDir == null ? "a temporary directory" : requestedDataDir) + "': " + e, e);
      }
    }

    void stop() {
      try {
        zooKeeper.close();
      } catch (RuntimeException e) {
        LOG.warn("The embedded ZooKeeper server on {} failed to stop cleanly", connectString, e);
      }
      cleanUp(null, lockChannel, baseDir);
      LOG.info("Stopped the embedded ZooKeeper server on {}{}", connectString,
          temporaryData ? " and deleted its temporary data" : "");
    }

    private static Properties properties(Path dataDir) {
      Properties properties = new Properties();
      properties.setProperty("clientPort", "0");
      properties.setProperty("clientPortAddress", "127.0.0.1");
      properties.setProperty("dataDir", dataDir.toString());
      properties.setProperty("tickTime", "2000");
      properties.setProperty("initLimit", "10");
      properties.setProperty("syncLimit", "5");
      properties.setProperty("maxClientCnxns", "0");
      properties.setProperty("admin.enableServer", "false");
      properties.setProperty("autopurge.snapRetainCount", "3");
      properties.setProperty("autopurge.purgeInterval", "24");
      return properties;
    }

    /** ZooKeeper reports "localhost:port" or "127.0.0.1:port"; clients always use the IPv4 loopback. */
    private static String loopback(String connectString) {
      int colon = connectString.lastIndexOf(':');
      return "127.0.0.1" + connectString.substring(colon);
    }

    private static FileChannel lock(Path dataDir) throws IOException {
      FileChannel channel = FileChannel.open(dataDir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      if (lock == null) {
        channel.close();
        throw new ServerUnavailableException("embedded", "The embedded ZooKeeper data directory '" + dataDir
            + "' is in use by another process; give each process its own embeddedDataDir");
      }
      return channel;
    }

    private static void cleanUp(ZooKeeperServerEmbedded zooKeeper, FileChannel lock, Path baseDir) {
      if (zooKeeper != null) {
        try {
          zooKeeper.close();
        } catch (RuntimeException e) {
          LOG.debug("Closing a half-started embedded ZooKeeper server failed", e);
        }
      }
      if (lock != null) {
        try {
          lock.close();
        } catch (IOException e) {
          LOG.debug("Releasing the embedded data directory lock failed", e);
        }
      }
      if (baseDir != null) {
        try {
          deleteTree(baseDir);
        } catch (IOException | UncheckedIOException e) {
          LOG.warn("Could not delete the embedded ZooKeeper's temporary directory '{}': {}", baseDir, e.toString());
        }
      }
    }

    private static void deleteTree(Path dir) throws IOException {
      if (!Files.exists(dir)) {
        return;
      }
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
          Files.deleteIfExists(directory);
          return FileVisitResult.CONTINUE;
        }
      });
    }
  }
}
