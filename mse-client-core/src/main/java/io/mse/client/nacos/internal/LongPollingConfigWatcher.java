package io.mse.client.nacos.internal;

import io.mse.client.AuthenticationException;
import io.mse.client.MseException;
import io.mse.client.RequestRefusedException;
import io.mse.client.config.ConfigKey;
import io.mse.client.spi.Md5;
import io.mse.client.spi.ConfigData;
import io.mse.client.spi.ConfigEventSink;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
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
 * {@link ConfigEventSink} (which drops repeats), and their MD5 kept for the next poll.
 *
 * <p><b>Failures.</b> A poll that fails (no server answered, 503 at the connection limit, a fetch
 * that failed, an unexpected status, an answer cut short by the transport's close, even an Error) is
 * retried after an exponential back-off: 1 s, 2 s, 4 s... up to 30 s, reset by the first success. One
 * WARN per fault episode, INFO on recovery. The call's deadline (1.5 times the hold) bounds each
 * attempt on one server, so that a hung server costs one attempt and the next server gets a whole one.
 * A changed key that cannot be read does not keep the others of its answer from being read and reported.
 *
 * <p><b>Refused keys.</b> Nacos 2.5.1 and 3.0.3 answer a poll with one key they refuse (their
 * parameter check) with a 400 for the whole batch, naming no key. Such a poll divides its batch: half
 * of the keys move to a new batch and both poll again at once, until the refused key is alone; it is
 * then parked (left out of the polls, one WARN) and tried again after {@link #MAX_BACKOFF}, while every
 * other key keeps being listened to. A key whose read is refused ({@link RequestRefusedException},
 * {@link AuthenticationException}) is parked the same way. The client's own checks
 * ({@link io.mse.client.internal.Names}) keep such keys out in the first place.
 *
 * <p>Thread-safe. {@link #close()} cancels every poll in flight; the scheduler's owner stops its threads.
 */
final class LongPollingConfigWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LongPollingConfigWatcher.class);
  static final int MAX_KEYS_PER_POLL = 3000;
  static final String LISTENER_PATH = "/v1/cs/configs/listener";
  static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  static final long RESTART_DELAY_MILLIS = 100;

  /**
   * What the engine holds for one key: the MD5 of what it last reported (two longs, not a 72-byte
   * string: there is one per listened key), and whether a poll compared it yet.
   */
  private record Watch(long md5High, long md5Low, String md5Text, boolean initializing) {

    /**
     * From an MD5 as the cache spells it: 32 lowercase hex digits are kept as two longs; anything
     * else ("" for no content) is kept as it is.
     */
    static Watch ofMd5(String md5, boolean initializing) {
      if (md5 != null && md5.length() == 32) {
        try {
          return new Watch(Long.parseUnsignedLong(md5.substring(0, 16), 16),
              Long.parseUnsignedLong(md5.substring(16), 16), null, initializing);
        } catch (NumberFormatException notHex) {
          // kept as text below
        }
      }
      return new Watch(0, 0, md5 == null ? "" : md5, initializing);
    }

    /** From a content, null meaning none. */
    static Watch ofContent(String content, boolean initializing) {
      if (content == null) {
        return new Watch(0, 0, "", initializing);
      }
      byte[] hash = Md5.bytes(content);
      return new Watch(Md5.high(hash), Md5.low(hash), null, initializing);
    }

    Watch compared() {
      return new Watch(md5High, md5Low, md5Text, false);
    }

    Watch withContentOf(Watch other) {
      return new Watch(other.md5High, other.md5Low, other.md5Text, initializing);
    }

    String md5() {
      return md5Text != null ? md5Text : Md5.hex(md5High, md5Low);
    }
  }

  /**
   * A config as read from the server for the watch.
   *
   * @param data the content, or null when the config does not exist
   * @param serverMd5 the server's {@code Content-MD5}, the MD5 of what it stores; null when it sent
   *     none. With a config encryption plugin it is the MD5 of the encrypted text, not of the content.
   */
  record Fetched(ConfigData data, String serverMd5) {}

  /**
   * Sends one poll without blocking: {@link NacosTransport#sendAsync}; tests wrap it. Cancelling the
   * returned future aborts the request.
   */
  @FunctionalInterface
  interface PollSender {
    CompletableFuture<NacosResponse> send(NacosRequest request);
  }

  /**
   * The poll a batch has in flight, so that another thread can cancel it before or after it was sent.
   * Thread-safe.
   */
  private static final class PollHandle {
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

  private final PollSender sender;
  private final ConfigScheduler scheduler;
  private final ConfigEventSink sink;
  private final Function<ConfigKey, Fetched> fetcher;
  private final Predicate<ConfigKey> overridden;
  private final Duration hold;
  private final Object lock = new Object();
  /** Guarded by lock. */
  private final List<Batch> batches = new ArrayList<>();
  private final Map<ConfigKey, Batch> owners = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * @param fetcher reads a key from the server (not from the failover directory); null data = absent
   * @param overridden true for keys the failover directory overrides: their server content is not reported
   * @param hold the {@code Long-Pulling-Timeout}
   */
  LongPollingConfigWatcher(PollSender sender, ConfigScheduler scheduler, ConfigEventSink sink,
      Function<ConfigKey, Fetched> fetcher, Predicate<ConfigKey> overridden, Duration hold) {
    this.sender = sender;
    this.scheduler = scheduler;
    this.sink = sink;
    this.fetcher = fetcher;
    this.overridden = overridden;
    this.hold = hold;
  }

  private final class Batch {
    final int id;
    final Map<ConfigKey, Watch> keys = new ConcurrentHashMap<>();
    /** True while an iteration is queued, running or waiting out a back-off. */
    final AtomicBoolean scheduled = new AtomicBoolean();
    final AtomicReference<PollHandle> inFlight = new AtomicReference<>();
    volatile boolean inFlightHangs;
    /** True while a restart of the holding poll is scheduled. */
    final AtomicBoolean restartPending = new AtomicBoolean();
    /** Keys the server refused (a poll's 400, a refused fetch), left out of the polls for a while. */
    final Map<ConfigKey, Watch> parked = new ConcurrentHashMap<>();
    /** Touched only by the batch's one iteration at a time. */
    int failures;

    Batch(int id) {
      this.id = id;
    }
  }

  /** Starts (or restarts) watching {@code key}, holding {@code md5} ("" for none) as its content. */
  void watch(ConfigKey key, String md5) {
    Batch batch;
    synchronized (lock) {
      batch = owners.get(key);
      if (batch == null) {
        batch = roomyBatch();
        owners.put(key, batch);
      }
      batch.parked.remove(key);
      batch.keys.put(key, Watch.ofMd5(md5, true));
    }
    wake(batch);
  }

  /** Stops watching {@code key}; unknown keys are ignored. */
  void unwatch(ConfigKey key) {
    Batch batch;
    synchronized (lock) {
      batch = owners.remove(key);
      if (batch == null) {
        return;
      }
      batch.parked.remove(key);
      batch.keys.remove(key);
    }
    if (batch.keys.isEmpty()) {
      cancelInFlight(batch);
    }
  }

  /** Returns the watched keys; a snapshot. */
  Set<ConfigKey> keys() {
    return Set.copyOf(owners.keySet());
  }

  /** Records that the engine reported {@code md5} for {@code key} outside a poll (failover changes). */
  void held(ConfigKey key, String md5) {
    Batch batch = owners.get(key);
    if (batch != null) {
      Watch held = Watch.ofMd5(md5, false);
      batch.keys.computeIfPresent(key, (k, w) -> w.withContentOf(held));
    }
  }

  /** Returns the number of batches holding keys. */
  int activeBatches() {
    synchronized (lock) {
      return (int) batches.stream().filter(b -> !b.keys.isEmpty()).count();
    }
  }

  private Batch roomyBatch() {
    for (Batch batch : batches) {
      if (batch.keys.size() < MAX_KEYS_PER_POLL) {
        return batch;
      }
    }
    Batch batch = new Batch(batches.size());
    batches.add(batch);
    return batch;
  }

  private void wake(Batch batch) {
    if (batch.scheduled.compareAndSet(false, true)) {
      submit(batch);
      return;
    }
    if (batch.restartPending.compareAndSet(false, true)) {
      scheduler.schedule("restart", () -> restart(batch), Duration.ofMillis(RESTART_DELAY_MILLIS));
    }
  }

  /** Cancels the batch's holding poll, which may not carry the keys added since it was sent. */
  private void restart(Batch batch) {
    batch.restartPending.set(false);
    PollHandle handle = batch.inFlight.get();
    if (handle != null && batch.inFlightHangs) {
      handle.cancel(); // answered at once as cancelled: the batch polls again with no hang-up
    }
  }

  private void submit(Batch batch) {
    if (!closed) {
      scheduler.execute(() -> poll(batch));
    }
  }

  private void poll(Batch batch) {
    if (closed) {
      return;
    }
    PollHandle handle = new PollHandle();
    batch.inFlightHangs = true;
    batch.inFlight.set(handle);
    Map<ConfigKey, Watch> sent = new LinkedHashMap<>(batch.keys);
    if (sent.isEmpty()) {
      batch.inFlight.compareAndSet(handle, null);
      batch.scheduled.set(false);
      if (!batch.keys.isEmpty() && batch.scheduled.compareAndSet(false, true)) {
        submit(batch);
      }
      return;
    }
    boolean noHangup = sent.values().stream().anyMatch(Watch::initializing);
    batch.inFlightHangs = !noHangup;
    NacosRequest request;
    CompletableFuture<NacosResponse> call;
    try {
      request = request(sent, noHangup);
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
    Map<ConfigKey, Watch> compared = noHangup ? initializing(sent) : Map.of();
    String resource = request.resource();
    call.whenComplete((response, failure) -> scheduler.execute(() -> answered(batch, handle, resource, compared,
        response, failure)));
  }

  /** Handles the answer of a batch's poll, on the scheduler; then polls again (or backs off). */
  private void answered(Batch batch, PollHandle handle, String resource, Map<ConfigKey, Watch> compared,
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
        divide(batch, response);
        submit(batch);
        return;
      }
      List<ConfigKey> changed = changedKeys(resource, response);
      for (Map.Entry<ConfigKey, Watch> entry : compared.entrySet()) {
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
      recovered(batch);
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
   * ends alone in a batch and is parked while every other key keeps being listened to.
   */
  private void divide(Batch batch, NacosResponse response) {
    String reason = NacosNamespaces.abbreviate(response.body());
    Batch other = null;
    synchronized (lock) {
      List<ConfigKey> keys = new ArrayList<>(batch.keys.keySet());
      if (keys.size() == 1) {
        park(batch, keys.get(0), "Nacos " + response.server() + " refused to listen to it: 400 " + reason);
        return;
      }
      if (keys.size() > 1) {
        other = new Batch(batches.size());
        batches.add(other);
        for (ConfigKey key : keys.subList(keys.size() / 2, keys.size())) {
          Watch watch = batch.keys.remove(key);
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
  }

  /** Leaves a refused key out of the polls; it is tried again after the longest back-off. */
  private void park(Batch batch, ConfigKey key, String reason) {
    Watch watch = batch.keys.remove(key);
    if (watch == null) {
      return;
    }
    batch.parked.put(key, watch);
    LOG.warn("Listening to '{}' is refused, the other configs are still listened to; trying it again in {} s: {}",
        key, MAX_BACKOFF.toSeconds(), reason);
    scheduler.schedule("unpark", () -> unpark(batch, key), MAX_BACKOFF);
  }

  private void unpark(Batch batch, ConfigKey key) {
    synchronized (lock) {
      Watch watch = batch.parked.remove(key);
      if (watch == null || owners.get(key) != batch) {
        return;
      }
      batch.keys.putIfAbsent(key, Watch.ofMd5(watch.md5(), true));
    }
    wake(batch);
  }

  /** Throws {@code e} on when it is an Error, once the batch was re-armed: the scheduler logs it. */
  private static void rethrowError(Throwable e) {
    if (e instanceof Error error) {
      throw error;
    }
  }

  private NacosRequest request(Map<ConfigKey, Watch> sent, boolean noHangup) {
    Map<ConfigKey, String> md5s = new LinkedHashMap<>();
    sent.forEach((key, watch) -> md5s.put(key, watch.md5()));
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Long-Pulling-Timeout", Long.toString(hold.toMillis()));
    if (noHangup) {
      headers.put("Long-Pulling-Timeout-No-Hangup", "true");
    }
    return new NacosRequest("POST", LISTENER_PATH, Map.of(),
        Map.of("Listening-Configs", ListeningConfigs.encode(md5s)), headers, hold.plus(hold.dividedBy(2)),
        sent.size() == 1 ? sent.keySet().iterator().next().toString() : sent.size() + " configs", true);
  }

  private static Map<ConfigKey, Watch> initializing(Map<ConfigKey, Watch> sent) {
    Map<ConfigKey, Watch> initializing = new LinkedHashMap<>();
    sent.forEach((key, watch) -> {
      if (watch.initializing()) {
        initializing.put(key, watch);
      }
    });
    return initializing;
  }

  private static List<ConfigKey> changedKeys(String resource, NacosResponse response) {
    if (!response.ok()) {
      throw new MseException(resource, "Nacos listener answered " + response.status() + " "
          + response.body().strip());
    }
    List<ConfigKey> changed = ListeningConfigs.decodeChanged(response.body());
    if (!changed.isEmpty()) {
      LOG.debug("Changed configs: {}", changed);
    }
    return changed;
  }

  private void refresh(Batch batch, ConfigKey key) {
    if (!batch.keys.containsKey(key)) {
      return; // unwatched meanwhile, or a key of another client
    }
    Fetched fetched = fetcher.apply(key);
    String content = fetched.data() == null ? null : fetched.data().content();
    Watch reported = Watch.ofMd5(heldMd5(fetched), false);
    if (batch.keys.computeIfPresent(key, (k, w) -> w.withContentOf(reported)) == null) {
      return;
    }
    if (overridden.test(key)) {
      LOG.debug("'{}' changed on the server but the failover directory overrides it", key);
      return;
    }
    sink.onConfig(key, content);
  }

  /**
   * What to compare with the server's MD5 from now on: the server's own {@code Content-MD5} when it
   * sent one (with an encryption plugin the MD5 of the content would differ from it forever, and every
   * poll would report a change), else the MD5 of the content.
   */
  static String heldMd5(Fetched fetched) {
    String serverMd5 = fetched.serverMd5();
    if (fetched.data() == null) {
      return "";
    }
    if (serverMd5 != null && serverMd5.matches("[0-9a-fA-F]{32}")) {
      return serverMd5.toLowerCase(java.util.Locale.ROOT);
    }
    return Md5.of(fetched.data().content());
  }

  /** Returns the MD5 the watch holds for {@code key}, as sent in polls; null when not watched. */
  String md5(ConfigKey key) {
    Batch batch = owners.get(key);
    Watch watch = batch == null ? null : batch.keys.get(key);
    return watch == null ? null : watch.md5();
  }

  private void recovered(Batch batch) {
    if (batch.failures > 0) {
      LOG.info("Listening to configs works again (batch {}, after {} failed polls)", batch.id, batch.failures);
      batch.failures = 0;
    }
  }

  private void backOff(Batch batch, Throwable cause) {
    batch.failures++;
    Duration delay = backoff(batch.failures);
    if (batch.failures == 1) {
      LOG.warn("Listening to configs failed (batch {}); retrying with back-off from {} ms: {}", batch.id,
          delay.toMillis(), cause.getMessage());
    } else {
      LOG.debug("Poll of batch {} failed {} times; next in {} ms: {}", batch.id, batch.failures,
          delay.toMillis(), cause.toString());
    }
    scheduler.schedule("backoff", () -> poll(batch), delay);
  }

  /** Returns the wait after the {@code failures}-th consecutive failure: 1 s doubling up to 30 s. */
  static Duration backoff(int failures) {
    int shift = Math.min(failures - 1, 10);
    Duration delay = MIN_BACKOFF.multipliedBy(1L << Math.max(0, shift));
    return delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
  }

  private static void cancelInFlight(Batch batch) {
    PollHandle handle = batch.inFlight.get();
    if (handle != null) {
      handle.cancel();
    }
  }

  /** Stops polling: cancels every poll in flight. Idempotent. */
  @Override
  public void close() {
    closed = true;
    synchronized (lock) {
      batches.forEach(LongPollingConfigWatcher::cancelInFlight);
    }
  }
}
