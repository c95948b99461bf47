package io.mse.client.dubbo.config;

import io.mse.client.MseException;
import io.mse.client.config.ConfigChangeEvent;
import io.mse.client.config.ConfigKey;
import io.mse.client.config.ConfigListener;
import io.mse.client.config.ConfigService;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.dubbo.common.utils.NamedThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dubbo's listeners of configs, on an mse-client {@link ConfigService}: one client listener per config
 * key, fanning out to every Dubbo listener of the key, called on this object's own thread in the order of
 * the changes.
 *
 * <p>A listener is never lost: when the first listener of a key cannot be added because the server
 * cannot be reached and no snapshot of the key exists, the key is tried again in the background (after
 * 1 s, doubling up to 30 s) until it works, the listeners are removed or this object is closed; the
 * listeners then get the content found, if any, as an added config.
 *
 * <p>Thread-safe. {@link #close()} stops listening and the thread.
 */
public final class ConfigWatches implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigWatches.class);
  private static final long FIRST_RETRY_MILLIS = 1000;
  private static final long MAX_RETRY_MILLIS = 30_000;

  private final ConfigService config;
  private final Duration timeout;
  private final ScheduledExecutorService thread;
  private final Map<Key, Watch> watches = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private record Key(String dataId, String group) {}

  /**
   * @param config the config center
   * @param timeout the longest wait for a key's first read
   * @param threadName the name of the thread listeners are called on
   */
  public ConfigWatches(ConfigService config, Duration timeout, String threadName) {
    this.config = Objects.requireNonNull(config, "config");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory(threadName, true));
    executor.setRemoveOnCancelPolicy(true);
    this.thread = executor;
  }

  /**
   * Adds {@code consumer}, known by {@code handle}, to the changes of a config and returns its current
   * content: null when it does not exist, or when it cannot be read yet (the key is then retried in the
   * background, see the class comment). Adding a second consumer under the same handle replaces it.
   *
   * @throws IllegalArgumentException when the dataId or group breaks the server's naming rules
   */
  public String add(String dataId, String group, Object handle, Consumer<ConfigChangeEvent> consumer) {
    Objects.requireNonNull(handle, "handle");
    Objects.requireNonNull(consumer, "consumer");
    Key key = new Key(dataId, group);
    while (true) {
      Watch watch = watches.computeIfAbsent(key, Watch::new);
      synchronized (watch) {
        if (watches.get(key) != watch) {
          continue;
        }
        watch.consumers.put(handle, consumer);
        if (watch.started) {
          return current(dataId, group);
        }
        watch.started = true;
      }
      return watch.start();
    }
  }

  private String current(String dataId, String group) {
    try {
      return config.getConfig(dataId, group, timeout);
    } catch (MseException e) {
      return null;
    }
  }

  /** Removes the consumer known by {@code handle}; the last one of a key stops listening to it. */
  public void remove(String dataId, String group, Object handle) {
    Key key = new Key(dataId, group);
    Watch watch = watches.get(key);
    if (watch == null) {
      return;
    }
    synchronized (watch) {
      watch.consumers.remove(handle);
      if (!watch.consumers.isEmpty()) {
        return;
      }
      watches.remove(key, watch);
      watch.stopped = true;
    }
    config.removeListener(dataId, group, watch);
  }

  /** Stops listening to every key and stops the thread; idempotent. */
  @Override
  public void close() {
    closed = true;
    for (Watch watch : watches.values()) {
      synchronized (watch) {
        watch.stopped = true;
      }
      try {
        config.removeListener(watch.key.dataId(), watch.key.group(), watch);
      } catch (RuntimeException e) {
        LOG.debug("Removing the listener of '{}' failed: {}", watch.key, e.toString());
      }
    }
    watches.clear();
    thread.shutdownNow();
  }

  /** The client's listener of one key. */
  private final class Watch implements ConfigListener {
    final Key key;
    final Map<Object, Consumer<ConfigChangeEvent>> consumers = new ConcurrentHashMap<>();
    boolean started;
    volatile boolean stopped;

    Watch(Key key) {
      this.key = key;
    }

    /** Listens to the key; on a server failure, schedules retries and returns null. */
    String start() {
      try {
        return config.getConfigAndAddListener(key.dataId(), key.group(), timeout, this);
      } catch (MseException e) {
        LOG.warn("Cannot listen to config '{}' of group '{}' yet ({}); trying again in the background", key.dataId(),
            key.group(), e.getMessage());
        schedule(FIRST_RETRY_MILLIS);
        return null;
      } catch (RuntimeException e) {
        synchronized (this) {
          watches.remove(key, this);
          stopped = true;
        }
        throw e;
      }
    }

    private void schedule(long delayMillis) {
      if (closed || stopped) {
        return;
      }
      thread.schedule(() -> retry(delayMillis), delayMillis, TimeUnit.MILLISECONDS);
    }

    private void retry(long lastDelayMillis) {
      if (closed || stopped) {
        return;
      }
      String content;
      try {
        content = config.getConfigAndAddListener(key.dataId(), key.group(), timeout, this);
      } catch (MseException e) {
        schedule(Math.min(MAX_RETRY_MILLIS, lastDelayMillis * 2));
        return;
      }
      LOG.info("Listening to config '{}' of group '{}' now", key.dataId(), key.group());
      if (content != null) {
        ConfigChangeEvent found = new ConfigChangeEvent(ConfigKey.of(key.dataId(), key.group()), content,
            Md5Hex.of(content), null);
        consumers.values().forEach(consumer -> call(consumer, found));
      }
    }

    @Override
    public void onChange(ConfigChangeEvent event) {
      if (!stopped) {
        consumers.values().forEach(consumer -> call(consumer, event));
      }
    }

    private void call(Consumer<ConfigChangeEvent> consumer, ConfigChangeEvent event) {
      try {
        consumer.accept(event);
      } catch (RuntimeException e) {
        LOG.warn("A listener of config '{}' of group '{}' failed", key.dataId(), key.group(), e);
      }
    }

    @Override
    public Executor executor() {
      return thread;
    }
  }
}
