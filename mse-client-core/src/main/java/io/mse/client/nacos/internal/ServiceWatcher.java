package io.mse.client.nacos.internal;

import io.mse.client.ClientStats;
import io.mse.client.naming.ServiceKey;
import io.mse.client.spi.StatsRecorder;
import io.mse.client.spi.Backoff;
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
 * <p>Empty lists (push-empty protection needs to know whether one is the server's real state): the
 * server pushes a list only when it changes, or once to a client that has just subscribed (echoing what
 * the subscribing read answered). So an empty <em>push</em> that follows a list with instances is a
 * removal the server saw: it is confirmed at once by a read, made immediately on the scheduler thread,
 * and reported as authoritative when that read is empty too (the server updates the list it answers
 * before it pushes; a real removal reaches subscribers within a read of the push). The push itself
 * is not reported before the read, so no protection warning is logged for a real removal. An empty
 * list seen first by a <em>poll</em> (no push announced it: a restarted server that lost its
 * ephemeral instances, a server not yet in sync) is reported with {@code authoritative=false}, so the
 * cache keeps the instances held, and is only confirmed by the next poll, {@code cacheMillis} later,
 * once instances had time to register again; the push echoing that poll's subscription confirms
 * nothing. When the confirming read of an empty push fails, the push is reported unconfirmed and the
 * next poll decides.
 *
 * <p>Ignored: lists with {@code hosts} missing, lists with {@code valid:false}, lists older than the
 * one held, and lists of services nobody reads (a service's first such list is logged at WARN with
 * its source, the others at DEBUG until a usable one comes). A failed poll is retried after 1, 2,
 * 4... s, at most 60 s. Poll failures are one fault episode for the whole watcher: the first service
 * whose poll fails while no other's does is logged at WARN (naming the service, and through the
 * cause the server and the request), every other failure at DEBUG, and the end of the episode, when
 * no service's poll fails any more, at INFO. So a server that is down costs one WARN however many
 * services are followed. Thread-safe.
 */
final class ServiceWatcher {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceWatcher.class);
  static final long MIN_POLL_MILLIS = 1000;
  static final long MAX_RETRY_MILLIS = 60_000;

  /** Where a list comes from; an empty list means more or less depending on it. */
  enum Source {
    /** A regular poll (or the first read's subscription). */
    POLL("poll"),
    /** A UDP push: the server saw the list change, or echoes a new subscription. */
    PUSH("push"),
    /** The read made at once after an empty push. */
    CONFIRMING_READ("confirming read");

    private final String label;

    Source(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /** What the last usable list reported of a service was. */
  private enum LastReport {
    INSTANCES, UNCONFIRMED_EMPTY, CONFIRMED_EMPTY
  }

  /** Reads a list from the server; the engine adds the push address. */
  @FunctionalInterface
  interface ListReader {
    NacosServiceList read(ServiceKey service);
  }

  private final ListReader reader;
  private final NamingScheduler scheduler;
  private final NamingEventSink sink;
  private final ConcurrentMap<ServiceKey, FollowedService> watches = new ConcurrentHashMap<>();
  /** Services whose last poll failed: the watcher's fault episode lasts while there are any. */
  private final java.util.Set<ServiceKey> failing = ConcurrentHashMap.newKeySet();

  private final StatsRecorder stats;

  ServiceWatcher(ListReader reader, NamingScheduler scheduler, NamingEventSink sink) {
    this(reader, scheduler, sink, new StatsRecorder());
  }

  /** @param stats where pushes that are not applied are counted, with why */
  ServiceWatcher(ListReader reader, NamingScheduler scheduler, NamingEventSink sink, StatsRecorder stats) {
    this.stats = stats;
    this.reader = reader;
    this.scheduler = scheduler;
    this.sink = sink;
  }

  /** What is known of one service. Reports happen under its monitor, in version order. */
  private static final class FollowedService {
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
    /** Guarded by this: what the last usable list reported was. */
    LastReport lastReport = LastReport.INSTANCES;
    /** Guarded by this: an empty push waiting for its confirming read, or null. */
    NacosServiceList pushedEmpty;

    FollowedService(ServiceKey service) {
      this.service = service;
    }
  }

  /**
   * Records a list read directly (the first read of a service), so that pushes arriving before the
   * subscription are applied and older lists are recognized as stale.
   */
  void recordRead(ServiceKey service, NacosServiceList list) {
    FollowedService watch = watches.computeIfAbsent(service, FollowedService::new);
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
    FollowedService watch = watches.computeIfAbsent(service, key -> {
      fresh[0] = true;
      return new FollowedService(key);
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
    FollowedService watch = watches.remove(service);
    if (watch != null) {
      watch.polling = false;
      watch.next.cancel();
    }
    failing.remove(service);
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
    for (FollowedService watch : watches.values()) {
      if (watch.service.groupedName().equals(list.name())) {
        known = true;
        apply(watch, list, Source.PUSH);
      }
    }
    if (!known) {
      stats.pushIgnored(ClientStats.PushIgnored.NOT_FOLLOWED);
      LOG.debug("Ignoring a push for '{}', which this client does not follow", list.name());
    }
    return known;
  }

  private void schedulePoll(FollowedService watch, long delayMillis) {
    if (watch.polling) {
      watch.next = scheduler.schedule(() -> poll(watch), Duration.ofMillis(delayMillis));
    }
  }

  private void poll(FollowedService watch) {
    if (!watch.polling) {
      return;
    }
    long delay;
    try {
      NacosServiceList list = reader.read(watch.service);
      apply(watch, list, Source.POLL);
      watch.cacheMillis = list.cacheMillis();
      if (watch.failures > 0) {
        recovered(watch);
      }
      watch.failures = 0;
      delay = Math.max(MIN_POLL_MILLIS, list.cacheMillis());
    } catch (RuntimeException e) {
      // Whatever failed, the chain goes on: a dropped chain would leave the list stale for good.
      watch.failures++;
      delay = Backoff.jittered(watch.failures, Duration.ofMillis(MIN_POLL_MILLIS),
          Duration.ofMillis(MAX_RETRY_MILLIS)).toMillis();
      failed(watch, e, delay);
    }
    schedulePoll(watch, delay);
  }

  /** Logs a failed poll: WARN when it starts the watcher's fault episode, DEBUG otherwise. */
  private void failed(FollowedService watch, RuntimeException e, long delayMillis) {
    boolean first = failing.isEmpty(); // the watcher's polls run on one thread, so no race here
    failing.add(watch.service);
    if (first) {
      LOG.warn("Poll of the instances of '{}' failed; it and any other service's poll are retried with back-off,"
          + " logged at DEBUG until polls are answered again: {}", watch.service, e.getMessage());
    } else {
      LOG.debug("Poll of the instances of '{}' failed {} time(s); next in {} ms: {}", watch.service, watch.failures,
          delayMillis, e.getMessage());
    }
  }

  private void recovered(FollowedService watch) {
    if (failing.remove(watch.service) && failing.isEmpty()) {
      LOG.info("Polls of instance lists are answered again (last: '{}', after {} failed poll(s))", watch.service,
          watch.failures);
    } else {
      LOG.debug("Polls of '{}' are answered again", watch.service);
    }
  }

  private void apply(FollowedService watch, NacosServiceList list, Source source) {
    if (!list.usable()) {
      if (source == Source.PUSH) {
        stats.pushIgnored(ClientStats.PushIgnored.UNUSABLE);
      }
      String why = list.hosts() == null ? "without 'hosts'" : "marked invalid ('valid':false)";
      if (!watch.unusableLogged) {
        watch.unusableLogged = true;
        LOG.warn("Ignoring a {} of '{}' {} from {}: keeping the list held (logged at DEBUG until a usable list"
            + " comes)", source, watch.service, why, list.source().isEmpty() ? "the server" : list.source());
      } else {
        LOG.debug("Ignoring a {} of '{}' {} from {}", source, watch.service, why, list.source());
      }
      return;
    }
    watch.unusableLogged = false;
    synchronized (watch) {
      if (list.lastRefTime() < watch.lastRefTime) {
        if (source == Source.PUSH) {
          stats.pushIgnored(ClientStats.PushIgnored.STALE);
        }
        LOG.debug("Ignoring a stale {} of '{}' (lastRefTime {} < {})", source, watch.service, list.lastRefTime(),
            watch.lastRefTime);
        return;
      }
      watch.lastRefTime = list.lastRefTime();
      LOG.debug("{} of '{}': {} instance(s), lastRefTime {}", source, watch.service, list.hosts().size(),
          list.lastRefTime());
      if (!list.hosts().isEmpty()) {
        watch.lastReport = LastReport.INSTANCES;
        watch.pushedEmpty = null;
        sink.onInstances(watch.service, list.hosts(), false);
      } else {
        applyEmpty(watch, list, source);
      }
    }
  }

  /** Decides, under the watch's monitor, whether an empty list is the server's real state. */
  private void applyEmpty(FollowedService watch, NacosServiceList list, Source source) {
    LastReport last = watch.lastReport;
    if (last == LastReport.CONFIRMED_EMPTY || source == Source.CONFIRMING_READ
        || (source == Source.POLL && last == LastReport.UNCONFIRMED_EMPTY)) {
      if (last != LastReport.CONFIRMED_EMPTY) {
        LOG.debug("A {} confirms that '{}' has no instance left", source, watch.service);
      }
      watch.lastReport = LastReport.CONFIRMED_EMPTY;
      watch.pushedEmpty = null;
      sink.onInstances(watch.service, list.hosts(), true);
    } else if (source == Source.PUSH && last == LastReport.INSTANCES && watch.polling) {
      // A removal the server saw: confirmed by a read made at once, reported when it answers.
      if (watch.pushedEmpty == null) {
        scheduler.schedule(() -> confirmEmptyPush(watch), Duration.ZERO);
      }
      watch.pushedEmpty = list;
    } else if (source == Source.PUSH && last == LastReport.UNCONFIRMED_EMPTY) {
      // The echo of the subscription a poll that answered empty made: it confirms nothing.
      LOG.debug("Empty push of '{}' after an unconfirmed empty poll: waiting for the next poll", watch.service);
    } else {
      // An empty poll where instances were held, with no push announcing it: maybe a fault.
      watch.lastReport = LastReport.UNCONFIRMED_EMPTY;
      sink.onInstances(watch.service, list.hosts(), false);
    }
  }

  /**
   * Reads the list at once after an empty push; an empty answer confirms the removal. When the read
   * fails, or answers a stale or unusable list, the push is reported unconfirmed.
   */
  private void confirmEmptyPush(FollowedService watch) {
    if (!watch.polling) {
      return;
    }
    try {
      apply(watch, reader.read(watch.service), Source.CONFIRMING_READ);
    } catch (RuntimeException e) {
      LOG.debug("Confirming read of '{}' failed: {}", watch.service, e.getMessage());
    }
    synchronized (watch) {
      NacosServiceList pushed = watch.pushedEmpty;
      watch.pushedEmpty = null;
      if (pushed != null && watch.lastReport == LastReport.INSTANCES) {
        watch.lastReport = LastReport.UNCONFIRMED_EMPTY;
        sink.onInstances(watch.service, pushed.hosts(), false);
      }
    }
  }

  /** Returns whether a service is polled. */
  boolean isPolling(ServiceKey service) {
    FollowedService watch = watches.get(service);
    return watch != null && watch.polling;
  }
}
