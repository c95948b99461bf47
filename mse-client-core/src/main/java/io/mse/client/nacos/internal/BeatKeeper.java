package io.mse.client.nacos.internal;

import io.mse.client.naming.Instance;
import io.mse.client.naming.ServiceKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this client's ephemeral instances alive with beats, one chain of delayed tasks per instance on
 * the {@link NamingScheduler}. The delay before the next beat is the server's
 * {@code clientBeatInterval} (5 s until it says otherwise); the first beat is full, later ones are
 * light once the server allows it. A beat answered with code 20404 (the server lost the instance)
 * registers the instance again, in full.
 *
 * <p>Stopping a beat is safe against a beat in flight: {@link #stop} first marks the beat cancelled,
 * then waits for the beat in flight (it holds the beat's lock for its whole round trip, re-registration
 * included), so once {@code stop} returns no beat of that instance will reach the server again, and a
 * 20404 answered after the mark does not re-register. Thread-safe.
 */
final class BeatKeeper {

  private static final Logger LOG = LoggerFactory.getLogger(BeatKeeper.class);

  private final NacosNamingApi api;
  private final NamingScheduler scheduler;
  private final Duration requestTimeout;
  private final ConcurrentMap<String, Beat> beats = new ConcurrentHashMap<>();

  BeatKeeper(NacosNamingApi api, NamingScheduler scheduler, Duration requestTimeout) {
    this.api = api;
    this.scheduler = scheduler;
    this.requestTimeout = requestTimeout;
  }

  /** One beating instance. Its lock is held by the beat in flight; {@code cancelled} is set first by stop. */
  private static final class Beat {
    final ServiceKey service;
    final Instance instance;
    final ReentrantLock lock = new ReentrantLock();
    volatile boolean cancelled;
    volatile NamingScheduler.Cancellable next = NamingScheduler.Cancellable.NONE;
    /** Guarded by lock. */
    boolean light;
    /** Guarded by lock: a fault was logged and not yet followed by a good beat. */
    boolean failing;

    Beat(ServiceKey service, Instance instance) {
      this.service = service;
      this.instance = instance;
    }
  }

  /** Starts beating an ephemeral instance (just registered); the first beat is after 5 s. */
  void start(ServiceKey service, Instance instance) {
    Beat beat = new Beat(service, instance);
    Beat previous = beats.put(key(service, instance), beat);
    if (previous != null) {
      cancel(previous);
    }
    schedule(beat, NacosNamingApi.DEFAULT_BEAT_MILLIS);
    LOG.debug("Beating {} of '{}' every {} ms", instance.address(), service, NacosNamingApi.DEFAULT_BEAT_MILLIS);
  }

  /**
   * Stops beating an instance (same ip, port and cluster) and waits for a beat in flight to finish;
   * no beat of it is sent after this returns. Unknown instances are ignored.
   *
   * @return the instance that was beating, or null
   */
  Instance stop(ServiceKey service, Instance instance) {
    String key = key(service, instance);
    Beat beat = beats.get(key);
    if (beat == null) {
      return null;
    }
    beat.cancelled = true;
    beats.remove(key, beat);
    cancel(beat);
    return beat.instance;
  }

  /** Stops every beat (as {@link #stop}) and returns the instances that were beating. */
  List<Beating> stopAll() {
    List<Beating> stopped = new ArrayList<>();
    for (Beat beat : beats.values()) {
      beat.cancelled = true;
      beats.remove(key(beat.service, beat.instance), beat);
      cancel(beat);
      stopped.add(new Beating(beat.service, beat.instance));
    }
    return stopped;
  }

  /** Returns whether an instance (same ip, port and cluster) is beating. */
  boolean isBeating(ServiceKey service, Instance instance) {
    return beats.containsKey(key(service, instance));
  }

  /** An instance this client kept alive. */
  record Beating(ServiceKey service, Instance instance) {}

  private static void cancel(Beat beat) {
    beat.cancelled = true;
    beat.next.cancel();
    // Wait for a beat in flight: once we hold the lock, it has finished and will see the mark.
    beat.lock.lock();
    beat.lock.unlock();
  }

  private void schedule(Beat beat, long delayMillis) {
    if (!beat.cancelled) {
      beat.next = scheduler.schedule(() -> run(beat), Duration.ofMillis(delayMillis));
    }
  }

  private void run(Beat beat) {
    long nextDelay = NacosNamingApi.DEFAULT_BEAT_MILLIS;
    beat.lock.lock();
    try {
      if (beat.cancelled) {
        return;
      }
      nextDelay = beatOnce(beat);
    } finally {
      beat.lock.unlock();
    }
    schedule(beat, nextDelay);
  }

  /** Sends one beat under the beat's lock; returns the delay before the next one. */
  private long beatOnce(Beat beat) {
    try {
      NacosNamingApi.BeatAnswer answer = api.beat(beat.service, beat.instance, beat.light, requestTimeout);
      if (answer.instanceUnknown()) {
        beat.light = false;
        if (beat.cancelled) {
          LOG.debug("Beat of {} of '{}' answered 20404 after it was stopped: not registering it again",
              beat.instance.address(), beat.service);
          return answer.clientBeatIntervalMillis();
        }
        LOG.info("Nacos lost {} of '{}' (beat answered 20404): registering it again", beat.instance.address(),
            beat.service);
        api.register(beat.service, beat.instance, requestTimeout);
      } else {
        beat.light = answer.lightBeatEnabled();
      }
      if (beat.failing) {
        beat.failing = false;
        LOG.info("Beats of {} of '{}' are answered again", beat.instance.address(), beat.service);
      }
      LOG.debug("Beat of {} of '{}': next in {} ms", beat.instance.address(), beat.service,
          answer.clientBeatIntervalMillis());
      return answer.clientBeatIntervalMillis();
    } catch (RuntimeException e) {
      // Any failure (server fault, refusal, unexpected answer) keeps the chain going: the next beat
      // may well succeed, and a dropped chain would silently let the instance expire.
      beat.light = false;
      if (!beat.failing) {
        beat.failing = true;
        LOG.warn("Beat of {} of '{}' failed; retrying every {} ms: {}", beat.instance.address(), beat.service,
            NacosNamingApi.DEFAULT_BEAT_MILLIS, e.getMessage());
      }
      return NacosNamingApi.DEFAULT_BEAT_MILLIS;
    }
  }

  private static String key(ServiceKey service, Instance instance) {
    return service + "#" + instance.ip() + "#" + instance.port() + "#" + instance.clusterName();
  }
}
