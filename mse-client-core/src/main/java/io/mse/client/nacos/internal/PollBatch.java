package io.mse.client.nacos.internal;

import io.mse.client.config.ConfigKey;
import io.mse.client.spi.Backoff;
import io.mse.client.spi.ContentMd5;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One batch of long polling: up to {@link LongPollingConfigWatcher#MAX_KEYS_PER_POLL} watched keys
 * sharing one poll in flight at a time, with the MD5 held for each. The maps are thread-safe; the
 * rest is documented per field.
 */
final class PollBatch {

  private static final Logger LOG = LoggerFactory.getLogger(PollBatch.class);

  /**
   * What the watcher holds for one key: the MD5 of the server's config (the object the cache layer
   * handed back, shared, never re-hashed nor parsed), and whether a poll compared it yet.
   *
   * @param md5 null when the client holds no content
   */
  record WatchedConfig(ContentMd5 md5, boolean initializing) {

    WatchedConfig compared() {
      return new WatchedConfig(md5, false);
    }

    WatchedConfig holding(ContentMd5 newMd5) {
      return new WatchedConfig(newMd5, initializing);
    }

    /** The MD5 as a poll sends it: lowercase hex, "" for none. */
    String md5Hex() {
      return ContentMd5.hex(md5);
    }
  }

  /**
   * The poll a batch has in flight, so that another thread can cancel it before or after it was sent.
   * Thread-safe.
   */
  static final class PollHandle {
    private CompletableFuture<NacosResponse> call;
    private boolean cancelled;

    synchronized void attach(CompletableFuture<NacosResponse> newCall) {
      call = newCall;
      if (cancelled) {
        newCall.cancel(true);
      }
    }

    synchronized void cancel() {
      cancelled = true;
      if (call != null) {
        call.cancel(true);
      }
    }

    /** True when this poll was cancelled by the watcher (a restart, an unwatch, close). */
    synchronized boolean cancelled() {
      return cancelled;
    }
  }

  final int id;
  final Map<ConfigKey, WatchedConfig> keys = new ConcurrentHashMap<>();
  /** True while an iteration is queued, running or waiting out a back-off. */
  final AtomicBoolean scheduled = new AtomicBoolean();
  final AtomicReference<PollHandle> inFlight = new AtomicReference<>();
  volatile boolean inFlightHangs;
  /** True while a restart of the holding poll is scheduled. */
  final AtomicBoolean restartPending = new AtomicBoolean();
  /** Keys the server refused (a poll's 400, a refused fetch), left out of the polls for a while. */
  final Map<ConfigKey, WatchedConfig> parked = new ConcurrentHashMap<>();
  /** Touched only by the batch's one iteration at a time. */
  int failures;

  PollBatch(int id) {
    this.id = id;
  }

  /** Counts a failed poll, logging the first of an episode; returns the back-off before the next. */
  Duration failed(Throwable cause) {
    failures++;
    Duration delay = Backoff.withJitter(LongPollingConfigWatcher.backoff(failures));
    if (failures == 1) {
      LOG.warn("Listening to configs failed (batch {}); retrying with back-off from {} ms: {}", id,
          delay.toMillis(), cause.getMessage());
    } else {
      LOG.debug("Poll of batch {} failed {} times; next in {} ms: {}", id, failures, delay.toMillis(),
          cause.toString());
    }
    return delay;
  }

  /** Ends a fault episode after a poll that worked. */
  void recovered() {
    if (failures > 0) {
      LOG.info("Listening to configs works again (batch {}, after {} failed polls)", id, failures);
      failures = 0;
    }
  }

  /** Cancels the poll in flight, if any. */
  void cancelInFlight() {
    PollHandle handle = inFlight.get();
    if (handle != null) {
      handle.cancel();
    }
  }
}
