package io.mse.client.zookeeper.internal;

import io.mse.client.config.ConfigKey;
import io.mse.client.spi.Md5;
import io.mse.client.spi.ConfigData;
import io.mse.client.spi.ContentMd5;
import io.mse.client.spi.ConfigEngine;
import io.mse.client.spi.ConfigEventSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configs as persistent znodes whose data is the UTF-8 content (see {@link ZooKeeperLayout}).
 * Compare-and-set publishes read the node with its version and write with that version, so of two
 * concurrent writers holding the same MD5 only one wins. A watched key has its own single-node
 * {@link CuratorCache} (a persistent ZooKeeper watch, kept across reconnections); every content it
 * sees, and {@code null} when the node is deleted or absent, goes to the sink. The content type is
 * not stored: {@link ConfigData#type()} is always null.
 *
 * <p>A ZooKeeper server reads a request of at most {@code jute.maxbuffer} bytes (a system property of
 * the servers and the client, 1 MiB - 1 by default) and drops the connection of a client that sends a
 * larger one, which looks like an outage ({@code CONNECTIONLOSS}, retried until the deadline) and
 * disturbs every watch of the session. A publish whose content would not fit is therefore refused
 * before it is sent. Thread-safe.
 */
final class ZooKeeperConfigEngine implements ConfigEngine, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperConfigEngine.class);
  private static final int MAX_ATTEMPTS = 5;
  /** ZooKeeper's own default of {@code jute.maxbuffer}: 0xfffff bytes. */
  static final int DEFAULT_JUTE_MAX_BUFFER = 0xfffff;
  /** Room for the rest of a create or set-data request: header, ACL, flags, version, lengths. */
  static final int REQUEST_OVERHEAD = 1024;

  private final ZooKeeperSession zk;
  private final ZooKeeperLayout layout;
  private final ConfigEventSink sink;
  private final ConcurrentMap<ConfigKey, CuratorCache> watches = new ConcurrentHashMap<>();
  private volatile boolean closed;

  ZooKeeperConfigEngine(ZooKeeperSession zk, ZooKeeperLayout layout, ConfigEventSink sink) {
    this.zk = zk;
    this.layout = layout;
    this.sink = sink;
  }

  @Override
  public ConfigData getConfig(ConfigKey key, Duration timeout) {
    String path = layout.config(key);
    String content = zk.call(key.toString(), timeout, curator -> read(curator, path, null));
    LOG.debug("Read config '{}': {}", key, content == null ? "absent" : content.length() + " chars");
    return content == null ? null : new ConfigData(content, null);
  }

  @Override
  public boolean publishConfig(ConfigKey key, String content, String type, String casMd5) {
    String path = layout.config(key);
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    checkFits(key, path, data);
    boolean stored = zk.call(key.toString(), curator -> {
      if (casMd5 == null) {
        return put(curator, path, data);
      }
      if (casMd5.isEmpty()) {
        return create(curator, path, data);
      }
      return compareAndSet(curator, path, data, casMd5);
    });
    LOG.debug("Publish of config '{}' ({} bytes{}): {}", key, data.length,
        casMd5 == null ? "" : ", cas md5 '" + casMd5 + "'", stored ? "stored" : "refused, md5 mismatch");
    return stored;
  }

  /**
   * Refuses content that would make a request larger than {@code jute.maxbuffer}.
   *
   * @throws IllegalArgumentException naming the key, the size and the limit
   */
  private static void checkFits(ConfigKey key, String path, byte[] data) {
    int limit = Integer.getInteger("jute.maxbuffer", DEFAULT_JUTE_MAX_BUFFER);
    int room = limit - path.getBytes(StandardCharsets.UTF_8).length - REQUEST_OVERHEAD;
    if (data.length > room) {
      throw new IllegalArgumentException("content of '" + key + "' is too large to publish: " + data.length
          + " bytes (UTF-8), over the " + room + " a ZooKeeper server takes in one request with its path (jute.maxbuffer "
          + limit + " bytes; a server drops the connection of a larger request). Raise the system property"
          + " jute.maxbuffer on the servers and this client alike, or keep the content smaller");
    }
  }

  @Override
  public boolean removeConfig(ConfigKey key) {
    String path = layout.config(key);
    zk.call(key.toString(), curator -> {
      try {
        curator.delete().forPath(path);
      } catch (KeeperException.NoNodeException absent) {
        LOG.debug("Config '{}' was already absent", key);
      }
      return null;
    });
    LOG.debug("Removed config '{}'", key);
    return true;
  }

  @Override
  public void watch(ConfigKey key, ContentMd5 md5) {
    if (closed) {
      throw new IllegalStateException("the ZooKeeper engine of '" + zk.server() + "' is closed");
    }
    watches.computeIfAbsent(key, this::startWatch);
    LOG.debug("Watching config '{}' (client holds md5 '{}')", key, md5);
  }

  @Override
  public void unwatch(ConfigKey key) {
    CuratorCache cache = watches.remove(key);
    if (cache != null) {
      cache.close();
      LOG.debug("Stopped watching config '{}'", key);
    }
  }

  /** Stops every watch. Never throws. */
  @Override
  public void close() {
    closed = true;
    watches.keySet().forEach(this::unwatch);
  }

  private CuratorCache startWatch(ConfigKey key) {
    String path = layout.config(key);
    CuratorCache cache = CuratorCache.builder(zk.curator(), path)
        .withOptions(CuratorCache.Options.SINGLE_NODE_CACHE)
        .withExceptionHandler(e -> LOG.debug("Watch of config '{}' failed a read; it retries on reconnection", key, e))
        .build();
    // Events a closed cache had already queued must not reach a newer watch of the same key.
    cache.listenable().addListener(CuratorCacheListener.builder()
        .forCreatesAndChanges((before, after) -> report(key, cache, content(after)))
        .forDeletes(before -> report(key, cache, null))
        .forInitialized(() -> report(key, cache, cache.get(path).map(ZooKeeperConfigEngine::content).orElse(null)))
        .build());
    cache.start();
    return cache;
  }

  private void report(ConfigKey key, CuratorCache cache, String content) {
    if (watches.get(key) == cache) {
      sink.onConfig(key, content == null ? null : new ConfigData(content, null));
    } else {
      LOG.debug("Dropping an event of a stopped watch of '{}'", key);
    }
  }

  private static String content(ChildData data) {
    byte[] bytes = data.getData();
    return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
  }

  private static String read(CuratorFramework curator, String path, Stat stat) throws Exception {
    try {
      byte[] data = stat == null ? curator.getData().forPath(path) : curator.getData().storingStatIn(stat).forPath(path);
      return data == null ? "" : new String(data, StandardCharsets.UTF_8);
    } catch (KeeperException.NoNodeException absent) {
      return null;
    }
  }

  /** Creates or overwrites. */
  private static boolean put(CuratorFramework curator, String path, byte[] data) throws Exception {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        curator.setData().forPath(path, data);
        return true;
      } catch (KeeperException.NoNodeException absent) {
        if (create(curator, path, data)) {
          return true;
        }
      }
    }
    throw new KeeperException.BadVersionException(path);
  }

  /** Creates only; false when the node exists. */
  private static boolean create(CuratorFramework curator, String path, byte[] data) throws Exception {
    try {
      curator.create().creatingParentContainersIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path, data);
      return true;
    } catch (KeeperException.NodeExistsException exists) {
      return false;
    }
  }

  /** Writes only over the version whose content has {@code casMd5}. */
  private static boolean compareAndSet(CuratorFramework curator, String path, byte[] data, String casMd5)
      throws Exception {
    Stat stat = new Stat();
    String current = read(curator, path, stat);
    if (current == null || !Md5.of(current).equals(casMd5)) {
      return false;
    }
    try {
      curator.setData().withVersion(stat.getVersion()).forPath(path, data);
      return true;
    } catch (KeeperException.BadVersionException | KeeperException.NoNodeException changed) {
      return false;
    }
  }
}
