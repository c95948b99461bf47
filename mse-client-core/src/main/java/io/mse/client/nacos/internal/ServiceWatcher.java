package io.mse.client.nacos.internal;

import io.mse.client.naming.ServiceKey;
import io.mse.client.spi.NamingEventSink;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the instance lists of services: remembers the newest list version ({@code lastRefTime}) seen
 * of each, polls subscribed services every {@code cacheMillis} the server asks for, and applies the
 * lists that polls, reads and UDP pushes bring, reporting each usable, not stale one to the sink.
 *
 * <p>Empty lists: the first usable empty list after a non-empty one is reported with
 * {@code authoritative=false} (it may come from a server fault, so push-empty protection in the cache
 * layer keeps the instances held) and a confirming read is made {@value #CONFIRM_EMPTY_MILLIS} ms
 * later; an empty list that follows an empty one (that read, a push or a poll) is reported as
 * authoritative, so deregistering the last instance does reach subscribers.
 *
 * <p>Ignored: lists with {@code hosts} missing, lists with {@code valid:false}, lists older than the
 * one held, and lists of services nobody reads. A failed poll is retried after 1, 2, 4... s, at most
 * 60 s, with one WARN per fault episode. Thread-safe.
 */
final class ServiceWatcher {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceWatcher.class);
  static final long MIN_POLL_MILLIS = 1000;
  static final long MAX_RETRY_MILLIS = 60_000;
  static final long CONFIRM_EMPTY_MILLIS = 1000;

  /** Reads a list from the server; the engine adds the push address. */
  @FunctionalInterface
  interface ListReader {
    NacosServiceList read(ServiceKey service);
  }

  private final ListReader reader;
  private final NamingScheduler scheduler;
  private final NamingEventSink sink;
  private final ConcurrentMap<ServiceKey, Watch> watches = new ConcurrentHashMap<>();

  ServiceWatcher(ListReader reader, NamingScheduler scheduler, NamingEventSink sink) {
    this.reader = reader;
    this.scheduler = scheduler;
    this.sink = sink;
  }

  /** What is known of one service. Reports happen under its monitor, in version order. */
  private static final class Watch {
    final ServiceKey service;
    /** Guarded by this. */
    long lastRefTime = Long.MIN_VALUE;
    volatile long cacheMillis = NacosServiceList.DEFAULT_CACHE_MILLIS;
    volatile boolean polling;
    volatile NamingScheduler.Cancellable next = NamingScheduler.Cancellable.NONE;
    /** Whether an unusable list was logged since the last usable one. */
    volatile boolean unusableLogged;
    /** Only touched by the poll chain. */
    int failures;
    /** Guarded by this: the last usable list reported was empty. */
    boolean lastEmpty;

    Watch(ServiceKey service) {
      this.service = service;
    }
  }

  /**
   * Records a list read directly (the first read of a service), so that pushes arriving before the
   * subscription are applied and older lists are recognized as stale.
   */
  void recordRead(ServiceKey service, NacosServiceList list) {
    Watch watch = watches.computeIfAbsent(service, Watch::new);
    synchronized (watch) {
      watch.lastRefTime = Math.max(watch.lastRefTime, list.lastRefTime());
      watch.cacheMillis = list.cacheMillis();
    }
  }

  /**
   * Starts polling a service: the first poll after {@code cacheMillis} when a list was just read, at
   * once otherwise. Subscribing twice has no further effect.
   */
  void subscribe(ServiceKey service) {
    boolean[] fresh = new boolean[1];
    Watch watch = watches.computeIfAbsent(service, key -> {
      fresh[0] = true;
      return new Watch(key);
    });
    synchronized (watch) {
      if (watch.polling) {
        return;
      }
      watch.polling = true;
    }
    schedulePoll(watch, fresh[0] ? 0 : watch.cacheMillis);
    LOG.debug("Polling '{}' every {} ms", service, watch.cacheMillis);
  }

  /** Stops following a service; unknown ones are ignored. */
  void unsubscribe(ServiceKey service) {
    Watch watch = watches.remove(service);
    if (watch != null) {
      watch.polling = false;
      watch.next.cancel();
    }
  }

  /** Stops every poll. */
  void stopAll() {
    for (ServiceKey service : watches.keySet()) {
      unsubscribe(service);
    }
  }

  /**
   * Applies a list the server pushed. Pushes carry no namespace: the list applies to every followed
   * service of that {@code group@@service} name (a client has one namespace).
   *
   * @return true when some followed service has that name
   */
  boolean applyPush(NacosServiceList list) {
    boolean known = false;
    for (Watch watch : watches.values()) {
      if (watch.service.groupedName().equals(list.name())) {
        known = true;
        apply(watch, list, "push");
      }
    }
    if (!known) {
      LOG.debug("Ignoring a push for '{}', which this client does not follow", list.name());
    }
    return known;
  }

  private void schedulePoll(Watch watch, long delayMillis) {
    if (watch.polling) {
      watch.next = scheduler.schedule(() -> poll(watch), Duration.ofMillis(delayMillis));
    }
  }

  private void poll(Watch watch) {
    if (!watch.polling) {
      return;
    }
    long delay;
    try {
      NacosServiceList list = reader.read(watch.service);
      apply(watch, list, "poll");
      watch.cacheMillis = list.cacheMillis();
      if (watch.failures > 0) {
        LOG.info("Polls of '{}' are answered again", watch.service);
      }
      watch.failures = 0;
      delay = Math.max(MIN_POLL_MILLIS, list.cacheMillis());
    } catch (RuntimeException e) {
      // Whatever failed, the chain goes on: a dropped chain would leave the list stale for good.
      watch.failures++;
      if (watch.failures == 1) {
        LOG.warn("Poll of the instances of '{}' failed; retrying with back-off: {}", watch.service, e.getMessage());
      }
      delay = Math.min(MAX_RETRY_MILLIS, MIN_POLL_MILLIS << Math.min(watch.failures - 1, 6));
    }
    schedulePoll(watch, delay);
  }

  private void apply(Watch watch, NacosServiceList list, String source) {
    if (!list.usable()) {
      String why = list.hosts() == null ? "without 'hosts'" : "marked invalid ('valid':false)";
      if (!watch.unusableLogged) {
        watch.unusableLogged = true;
        LOG.warn("Ignoring a {} of '{}' {}: keeping the list held", source, watch.service, why);
      } else {
        LOG.debug("Ignoring a {} of '{}' {}", source, watch.service, why);
      }
      return;
    }
    watch.unusableLogged = false;
    synchronized (watch) {
      if (list.lastRefTime() < watch.lastRefTime) {
        LOG.debug("Ignoring a stale {} of '{}' (lastRefTime {} < {})", source, watch.service, list.lastRefTime(),
            watch.lastRefTime);
        return;
      }
      watch.lastRefTime = list.lastRefTime();
      LOG.debug("{} of '{}': {} instance(s), lastRefTime {}", source, watch.service, list.hosts().size(),
          list.lastRefTime());
      boolean empty = list.hosts().isEmpty();
      boolean confirmed = empty && watch.lastEmpty;
      if (empty && !watch.lastEmpty && watch.polling) {
        scheduler.schedule(() -> confirmEmpty(watch), Duration.ofMillis(CONFIRM_EMPTY_MILLIS));
      }
      watch.lastEmpty = empty;
      sink.onInstances(watch.service, list.hosts(), confirmed);
    }
  }

  /** Reads a list again after an empty one; a second empty list is the server's real state. */
  private void confirmEmpty(Watch watch) {
    if (!watch.polling) {
      return;
    }
    try {
      apply(watch, reader.read(watch.service), "confirming read");
    } catch (RuntimeException e) {
      LOG.debug("Confirming read of '{}' failed: {}", watch.service, e.getMessage());
    }
  }

  /** Returns whether a service is polled. */
  boolean isPolling(ServiceKey service) {
    Watch watch = watches.get(service);
    return watch != null && watch.polling;
  }
}
