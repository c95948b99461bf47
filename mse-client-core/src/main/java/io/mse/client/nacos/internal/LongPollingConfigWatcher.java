package io.mse.client.nacos.internal;

import io.mse.client.AuthenticationException;
import io.mse.client.MseException;
import io.mse.client.RequestRefusedException;
import io.mse.client.Ticker;
import io.mse.client.config.ConfigKey;
import io.mse.client.nacos.internal.PollBatch.PollHandle;
import io.mse.client.nacos.internal.PollBatch.WatchedConfig;
import io.mse.client.spi.Backoff;
import io.mse.client.spi.ContentMd5;
import io.mse.client.spi.ConfigData;
import io.mse.client.spi.ConfigEventSink;
import io.mse.client.spi.StatsRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches configs by Nacos long polling ({@code POST {ctx}/v1/cs/configs/listener}).
 *
 * <p><b>Batches.</b> Watched keys are packed into batches of at most {@value #MAX_KEYS_PER_POLL};
 * each batch has one poll in flight at a time, and the batches poll concurrently: 10,000 keys make 4
 * batches and at most 4 concurrent polls, never one connection per key. A poll is sent
 * asynchronously ({@link NacosTransport#sendAsync}), so no thread waits while the server holds it:
 * the {@link ConfigScheduler}'s one thread only builds requests and handles answers (fetching the
 * changed keys), whatever the number of batches.
 *
 * <p><b>One iteration.</b> The batch's keys and the MD5 the engine holds for each are sent with
 * {@code Long-Pulling-Timeout} (the server holds the request that long minus 0.5 s when nothing
 * changed; the call's deadline is 1.5 times that). While a key was just added and not yet compared
 * by a poll, the request carries {@code Long-Pulling-Timeout-No-Hangup: true} so the server answers
 * at once; adding a key to a batch whose poll is holding cancels that poll {@value #RESTART_DELAY_MILLIS}
 * ms later (keys added meanwhile share that one restart, so adding thousands of keys does not
 * open thousands of connections), and the batch polls again at once. The changed keys of the answer are each fetched and reported to the
 * {@link ConfigEventSink} (which drops repeats), and the MD5 it hands back (the server's
 * {@code Content-MD5}, else the content's, hashed once by the cache layer) is kept for the next poll.
 * The keys' state lives in {@link PollBatch}, the wire format in {@link ListeningConfigs}.
 *
 * <p><b>Failures.</b> A poll that fails (no server answered, 503 at the connection limit, a fetch
 * that failed, an unexpected status, an answer cut short by the transport's close, even an Error) is
 * retried after an exponential back-off: 1 s, 2 s, 4 s... up to 30 s, each wait drawn at random from
 * its upper half ({@link Backoff#withJitter}: 0.5–1 s, 1–2 s...), reset by the first success. One
 * WARN per fault episode, INFO on recovery. The call's deadline (1.5 times the hold) bounds each
 * attempt on one server, so that a hung server costs one attempt and the next server gets a whole one.
 * A changed key that cannot be read does not keep the others of its answer from being read and reported.
 *
 * <p><b>Refused keys.</b> Nacos 2.5.1 and 3.0.3 answer a poll with one key they refuse (their
 * parameter check) with a 400 for the whole batch, naming no key. Such a poll divides its batch: half
 * of the keys move to a new batch and both poll again at once, until the refused key is alone; it is
 * then parked (left out of the polls, one WARN per key, DEBUG when refused again) and tried again after
 * {@link #MAX_BACKOFF}, while every other key keeps being listened to. Divisions add at most
 * {@value #MAX_DIVIDED_BATCHES} batches in all: a server or proxy that refuses every poll is then
 * treated as a fault and backed off, not divided down to one poll per key. A key whose read is refused ({@link RequestRefusedException},
 * {@link AuthenticationException}) is parked the same way. The client's own checks
 * ({@link io.mse.client.NameRules}) keep such keys out in the first place.
 *
 * <p>Thread-safe. {@link #close()} cancels every poll in flight; the scheduler's owner stops its threads.
 */
final class LongPollingConfigWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LongPollingConfigWatcher.class);
  static final int MAX_KEYS_PER_POLL = 3000;
  static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  /**
   * The most batches divisions may add: enough to isolate a few refused keys among 3000 (about 12
   * each), and a bound when a server or a proxy refuses every poll (a 400 past it is a fault, backed off).
   */
  static final int MAX_DIVIDED_BATCHES = 32;
  static final long RESTART_DELAY_MILLIS = 100;

  /**
   * Sends one poll without blocking: {@link NacosTransport#sendAsync}; tests wrap it. Cancelling the
   * returned future aborts the request.
   */
  @FunctionalInterface
  interface PollSender {
    CompletableFuture<NacosResponse> send(NacosRequest request);
  }

  private final PollSender sender;
  private final ConfigScheduler scheduler;
  private final ConfigEventSink sink;
  private final Function<ConfigKey, ConfigData> fetcher;
  private final Duration hold;
  private final Object lock = new Object();
  /** Guarded by lock. */
  private final List<PollBatch> batches = new ArrayList<>();
  private final Map<ConfigKey, PollBatch> owners = new ConcurrentHashMap<>();
  /** Keys whose refusal was logged at WARN; a key refused again is logged at DEBUG. */
  private final Set<ConfigKey> refusalsLogged = ConcurrentHashMap.newKeySet();
  private int dividedBatches;
  private volatile boolean closed;
  private final StatsRecorder stats;
  private final Ticker ticker;

  /**
   * @param fetcher reads a key from the server, with the server's MD5; null = absent
   * @param hold the {@code Long-Pulling-Timeout}
   */
  LongPollingConfigWatcher(PollSender sender, ConfigScheduler scheduler, ConfigEventSink sink,
      Function<ConfigKey, ConfigData> fetcher, Duration hold) {
    this(sender, scheduler, sink, fetcher, hold, new StatsRecorder(), Ticker.system());
  }

  /**
   * @param stats where each poll's round trip is counted and timed
   * @param ticker the time of the round trips
   */
  LongPollingConfigWatcher(PollSender sender, ConfigScheduler scheduler, ConfigEventSink sink,
      Function<ConfigKey, ConfigData> fetcher, Duration hold, StatsRecorder stats, Ticker ticker) {
    this.stats = stats;
    this.ticker = ticker;
    this.sender = sender;
    this.scheduler = scheduler;
    this.sink = sink;
    this.fetcher = fetcher;
    this.hold = hold;
  }

  /** Starts (or restarts) watching {@code key}, holding {@code md5} (null for none) as its content. */
  void watch(ConfigKey key, ContentMd5 md5) {
    PollBatch batch;
    synchronized (lock) {
      batch = owners.get(key);
      if (batch == null) {
        batch = batchWithRoom();
        owners.put(key, batch);
      }
      batch.parked.remove(key);
      batch.keys.put(key, new WatchedConfig(md5, true));
    }
    wake(batch);
  }

  /** Stops watching {@code key}; unknown keys are ignored. */
  void unwatch(ConfigKey key) {
    PollBatch batch;
    synchronized (lock) {
      batch = owners.remove(key);
      if (batch == null) {
        return;
      }
      batch.parked.remove(key);
      batch.keys.remove(key);
      refusalsLogged.remove(key);
    }
    if (batch.keys.isEmpty()) {
      batch.cancelInFlight();
    }
  }

  /** Returns the watched keys; a snapshot. */
  Set<ConfigKey> keys() {
    return Set.copyOf(owners.keySet());
  }

  /** Returns the number of batches holding keys. */
  int activeBatches() {
    synchronized (lock) {
      return (int) batches.stream().filter(b -> !b.keys.isEmpty()).count();
    }
  }

  /** Returns the first batch with room for one more key, or a new one; call under the lock. */
  private PollBatch batchWithRoom() {
    for (PollBatch batch : batches) {
      if (batch.keys.size() < MAX_KEYS_PER_POLL) {
        return batch;
      }
    }
    PollBatch batch = new PollBatch(batches.size());
    batches.add(batch);
    return batch;
  }

  private void wake(PollBatch batch) {
    if (batch.scheduled.compareAndSet(false, true)) {
      submit(batch);
      return;
    }
    if (batch.restartPending.compareAndSet(false, true)) {
      scheduler.schedule("restart", () -> restart(batch), Duration.ofMillis(RESTART_DELAY_MILLIS));
    }
  }

  /** Cancels the batch's holding poll, which may not carry the keys added since it was sent. */
  private void restart(PollBatch batch) {
    batch.restartPending.set(false);
    PollHandle handle = batch.inFlight.get();
    if (handle != null && batch.inFlightHangs) {
      handle.cancel(); // answered at once as cancelled: the batch polls again with no hang-up
    }
  }

  private void submit(PollBatch batch) {
    if (!closed) {
      scheduler.execute(() -> poll(batch));
    }
  }

  private void poll(PollBatch batch) {
    if (closed) {
      return;
    }
    PollHandle handle = new PollHandle();
    batch.inFlightHangs = true;
    batch.inFlight.set(handle);
    Map<ConfigKey, WatchedConfig> sent = new LinkedHashMap<>(batch.keys);
    if (sent.isEmpty()) {
      batch.inFlight.compareAndSet(handle, null);
      batch.scheduled.set(false);
      if (!batch.keys.isEmpty() && batch.scheduled.compareAndSet(false, true)) {
        submit(batch);
      }
      return;
    }
    boolean noHangup = sent.values().stream().anyMatch(WatchedConfig::initializing);
    batch.inFlightHangs = !noHangup;
    NacosRequest request;
    CompletableFuture<NacosResponse> call;
    try {
      request = ListeningConfigs.request(sent, noHangup, hold);
      call = sender.send(request);
    } catch (Throwable e) {
      batch.inFlight.compareAndSet(handle, null);
      backOff(batch, e);
      rethrowError(e);
      return;
    }
    handle.attach(call);
    if (closed) {
      handle.cancel();
    }
    // Only what the answer needs is kept while the server holds the poll (usually nothing per key).
    Map<ConfigKey, WatchedConfig> compared = noHangup ? initializing(sent) : Map.of();
    String resource = request.resource();
    long sentNanos = ticker.read();
    call.whenComplete((response, failure) -> {
      stats.longPoll(ticker.read() - sentNanos);
      scheduler.execute(() -> answered(batch, handle, resource, compared, response, failure));
    });
  }

  /** Handles the answer of a batch's poll, on the scheduler; then polls again (or backs off). */
  private void answered(PollBatch batch, PollHandle handle, String resource, Map<ConfigKey, WatchedConfig> compared,
      NacosResponse response, Throwable failure) {
    batch.inFlight.compareAndSet(handle, null);
    if (closed) {
      return;
    }
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof CancellationException && handle.cancelled()) {
      LOG.debug("Poll of batch {} restarted", batch.id);
      submit(batch);
      return;
    }
    // any other cancellation (the transport was closed under the watcher) is a failure: back off
    try {
      if (cause != null) {
        throw cause instanceof RuntimeException e ? e : new MseException(resource,
            "Nacos listener failed: " + cause, cause);
      }
      if (response.status() == 400) {
        if (!divide(batch, response)) {
          throw new MseException(resource, "Nacos " + response.server() + " refused the poll of "
              + batch.keys.size() + " key(s) (400 " + NacosText.abbreviate(response.body()) + ") after "
              + MAX_DIVIDED_BATCHES + " divisions of batches: not a key of its own, backing off");
        }
        submit(batch);
        return;
      }
      List<ConfigKey> changed = ListeningConfigs.changedKeys(resource, response);
      for (Map.Entry<ConfigKey, WatchedConfig> entry : compared.entrySet()) {
        if (entry.getValue().initializing()) {
          batch.keys.replace(entry.getKey(), entry.getValue(), entry.getValue().compared());
        }
      }
      RuntimeException failed = null;
      for (ConfigKey key : changed) {
        try {
          refresh(batch, key);
        } catch (RequestRefusedException | AuthenticationException refused) {
          park(batch, key, refused.getMessage());
        } catch (RuntimeException e) {
          failed = failed == null ? e : failed; // the other keys are still refreshed; this one next time
        }
      }
      if (failed != null) {
        throw failed;
      }
      batch.recovered();
      submit(batch);
    } catch (Throwable e) {
      if (!closed) {
        backOff(batch, e);
      }
      rethrowError(e);
    }
  }

  /**
   * The server refused the batch's poll (400: a key it does not accept, which it does not name): the
   * batch gives half of its keys to a new batch, and both poll again at once, so that the refused key
   * ends alone in a batch and is parked while every other key keeps being listened to. Divided batches
   * stay (at most {@value #MAX_DIVIDED_BATCHES} in all, each still holding at most
   * {@value #MAX_KEYS_PER_POLL} keys).
   *
   * @return false when no more batches may be divided: the caller backs the batch off as a fault
   */
  private boolean divide(PollBatch batch, NacosResponse response) {
    String reason = NacosText.abbreviate(response.body());
    PollBatch other = null;
    synchronized (lock) {
      List<ConfigKey> keys = new ArrayList<>(batch.keys.keySet());
      if (keys.size() == 1) {
        park(batch, keys.get(0), "Nacos " + response.server() + " refused to listen to it: 400 " + reason);
        return true;
      }
      if (keys.size() > 1) {
        if (dividedBatches >= MAX_DIVIDED_BATCHES) {
          return false;
        }
        dividedBatches++;
        other = new PollBatch(batches.size());
        batches.add(other);
        for (ConfigKey key : keys.subList(keys.size() / 2, keys.size())) {
          WatchedConfig watch = batch.keys.remove(key);
          if (watch != null) {
            other.keys.put(key, watch);
            owners.put(key, other);
          }
        }
      }
    }
    LOG.debug("Poll of batch {} refused ({}); half of its keys move to batch {}", batch.id, reason,
        other == null ? "-" : other.id);
    if (other != null) {
      wake(other);
    }
    return true;
  }

  /** Leaves a refused key out of the polls; it is tried again after the longest back-off. */
  private void park(PollBatch batch, ConfigKey key, String reason) {
    WatchedConfig watch = batch.keys.remove(key);
    if (watch == null) {
      return;
    }
    batch.parked.put(key, watch);
    if (refusalsLogged.add(key)) {
      LOG.warn("Listening to '{}' is refused, the other configs are still listened to; trying it again every {} s"
          + " (logged at DEBUG from now on): {}", key, MAX_BACKOFF.toSeconds(), reason);
    } else {
      LOG.debug("Listening to '{}' is refused again; trying it again in {} s: {}", key, MAX_BACKOFF.toSeconds(),
          reason);
    }
    scheduler.schedule("unpark", () -> unpark(batch, key), MAX_BACKOFF);
  }

  private void unpark(PollBatch batch, ConfigKey key) {
    synchronized (lock) {
      WatchedConfig watch = batch.parked.remove(key);
      if (watch == null || owners.get(key) != batch) {
        return;
      }
      batch.keys.putIfAbsent(key, new WatchedConfig(watch.md5(), true));
    }
    wake(batch);
  }

  /** Throws {@code e} on when it is an Error, once the batch was re-armed: the scheduler logs it. */
  private static void rethrowError(Throwable e) {
    if (e instanceof Error error) {
      throw error;
    }
  }

  private static Map<ConfigKey, WatchedConfig> initializing(Map<ConfigKey, WatchedConfig> sent) {
    Map<ConfigKey, WatchedConfig> initializing = new LinkedHashMap<>();
    sent.forEach((key, watch) -> {
      if (watch.initializing()) {
        initializing.put(key, watch);
      }
    });
    return initializing;
  }

  /**
   * Reads a changed key and reports it; the MD5 the cache layer hands back (the server's
   * {@code Content-MD5} when it sent one, which with an encryption plugin differs from the content's
   * forever, else the content's, hashed once there) is what the next polls compare.
   */
  private void refresh(PollBatch batch, ConfigKey key) {
    if (!batch.keys.containsKey(key)) {
      return; // unwatched meanwhile, or a key of another client
    }
    ConfigData data = fetcher.apply(key);
    if (!batch.keys.containsKey(key)) {
      return;
    }
    ContentMd5 held = sink.onConfig(key, data);
    batch.keys.computeIfPresent(key, (k, w) -> w.holding(held));
  }

  /** Returns the MD5 the watch holds for {@code key}, as sent in polls; null when not watched. */
  String md5(ConfigKey key) {
    PollBatch batch = owners.get(key);
    WatchedConfig watch = batch == null ? null : batch.keys.get(key);
    return watch == null ? null : watch.md5Hex();
  }

  private void backOff(PollBatch batch, Throwable cause) {
    scheduler.schedule("backoff", () -> poll(batch), batch.failed(cause));
  }

  /** Returns the wait after the {@code failures}-th consecutive failure: 1 s doubling up to 30 s. */
  static Duration backoff(int failures) {
    return Backoff.exponential(failures, MIN_BACKOFF, MAX_BACKOFF);
  }

  /** Stops polling: cancels every poll in flight. Idempotent. */
  @Override
  public void close() {
    closed = true;
    synchronized (lock) {
      batches.forEach(PollBatch::cancelInFlight);
    }
  }
}
