package io.mse.client.nacos.internal;

import io.mse.client.ServerUnavailableException;
import io.mse.client.naming.Instance;
import io.mse.client.naming.ServiceKey;
import io.mse.client.spi.EngineContext;
import io.mse.client.spi.NamingEngine;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Nacos naming engine over the v1 HTTP open API: registration, beats, instance lists polled at the
 * server's {@code cacheMillis} and pushed over UDP, in-place updates and service listing.
 *
 * <p>Threads: at most two, both daemon and named {@code mse-<client>-naming-*}, both started on first
 * use: one scheduler thread runs every beat and every poll ({@link BeatKeeper}, {@link ServiceWatcher});
 * one thread receives UDP pushes ({@link UdpPushReceiver}, unless {@code nacos.pushEnabled=false}).
 *
 * <p>Engine properties: {@code nacos.pushEnabled} (default true), {@code nacos.udpPort} (default 0, any
 * free port), {@code nacos.clientIp} (default: the local address that reaches the first server),
 * {@code nacos.pushSources} (default: pushes are accepted only from the hosts of the server address; see
 * {@link PushSources}).
 *
 * <p>{@link #close()} stops beats and polls, then deregisters this client's ephemeral instances, best
 * effort within one request timeout in all (as nacos-client does on shutdown, so they disappear at once
 * instead of 30 s later), then closes the UDP socket and stops the threads. Persistent instances stay.
 * Thread-safe.
 */
public final class NacosNamingEngine implements NamingEngine, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NacosNamingEngine.class);

  private final EngineContext context;
  private final NamingSettings settings;
  private final String serverUrl;
  private final NacosNamingApi api;
  private final NamingScheduler scheduler;
  private final BeatKeeper beats;
  private final ServiceWatcher watcher;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Object pushLock = new Object();
  /** Guarded by pushLock. */
  private UdpPushReceiver receiver;
  /** Guarded by pushLock: the socket could not be opened; push stays off. */
  private boolean pushFailed;
  private volatile String clientIp;

  /**
   * Makes the engine; it starts no thread and opens no socket until first used.
   *
   * @throws IllegalArgumentException when a {@code nacos.*} naming property is malformed
   */
  public NacosNamingEngine(EngineContext context, NacosTransport transport) {
    this(context, transport::send, transport::serverLine, NamingSettings.of(context.config()),
        transport.address().servers().get(0), new ExecutorScheduler("naming", context.threadFactory("naming")));
  }

  /** As the public constructor, against a 2.x server (tests). */
  NacosNamingEngine(EngineContext context, NacosSender sender, NamingSettings settings, String serverUrl,
      NamingScheduler scheduler) {
    this(context, sender, timeout -> NacosServerLine.V2, settings, serverUrl, scheduler);
  }

  NacosNamingEngine(EngineContext context, NacosSender sender, Function<Duration, NacosServerLine> serverLine,
      NamingSettings settings, String serverUrl, NamingScheduler scheduler) {
    this.context = context;
    this.settings = settings;
    this.serverUrl = serverUrl;
    this.api = new NacosNamingApi(sender, serverLine);
    this.scheduler = scheduler;
    this.beats = new BeatKeeper(api, scheduler, settings.requestTimeout());
    this.watcher = new ServiceWatcher(this::readForPoll, scheduler, context.namingSink(), context.stats());
  }

  /**
   * Registers an instance, replacing one with the same ip, port and cluster. An ephemeral instance is
   * then kept alive by beats. When this call throws, the instance is not registered and no beat is
   * left behind to register it later.
   *
   * @throws ServerUnavailableException when the server cannot be reached
   * @throws io.mse.client.AuthenticationException when the server refuses the credentials or their rights
   * @throws io.mse.client.RequestRefusedException when the server refuses otherwise (e.g. HTTP 400 for a
   *     cluster name it rejects, or a persistent instance into a service of ephemeral ones), with its reason
   */
  @Override
  public void registerInstance(ServiceKey service, Instance instance) {
    checkOpen();
    beats.stop(service, instance);
    // A failed registration leaves nothing behind: no beat would register the instance later, so
    // an exception always means "not registered" and the caller decides whether to retry.
    api.register(service, instance, settings.requestTimeout());
    if (instance.ephemeral()) {
      beats.start(service, instance);
    }
    LOG.debug("Registered {} in '{}' (ephemeral {})", instance.address(), service, instance.ephemeral());
  }

  /**
   * Deregisters an instance (same ip, port and cluster). Its beat is stopped first, and a beat in
   * flight is waited for, so that no beat registers it again afterwards.
   *
   * @throws ServerUnavailableException when the server cannot be reached
   */
  @Override
  public void deregisterInstance(ServiceKey service, Instance instance) {
    checkOpen();
    Instance beating = beats.stop(service, instance);
    boolean ephemeral = beating != null ? beating.ephemeral() : instance.ephemeral();
    api.deregister(service, ephemeral == instance.ephemeral() ? instance
        : instance.toBuilder().ephemeral(ephemeral).build(), settings.requestTimeout());
    LOG.debug("Deregistered {} from '{}'", instance.address(), service);
  }

  /**
   * Reads the list once (and asks the server to push later changes to this client).
   *
   * @throws ServerUnavailableException when the server cannot be reached, or answers a list without
   *     {@code hosts} or marked invalid
   */
  @Override
  public List<Instance> getInstances(ServiceKey service, Duration timeout) {
    checkOpen();
    NacosServiceList list = api.list(service, pushPort(), clientIp(), timeout);
    if (!list.usable()) {
      throw new ServerUnavailableException(service.toString(), "Nacos answered an unusable instance list of '"
          + service + "' (" + (list.hosts() == null ? "no 'hosts'" : "'valid':false") + ")");
    }
    watcher.recordRead(service, list);
    LOG.debug("Read {} instance(s) of '{}'", list.hosts().size(), service);
    return list.hosts();
  }

  /** Starts polling the service every {@code cacheMillis} and applying its pushes. */
  @Override
  public void subscribe(ServiceKey service) {
    checkOpen();
    pushPort();
    watcher.subscribe(service);
  }

  @Override
  public void unsubscribe(ServiceKey service) {
    watcher.unsubscribe(service);
  }

  /**
   * Changes an instance in place ({@code PUT /v1/ns/instance} on 2.x, {@code PUT /v3/admin/ns/instance}
   * on 3.x): weight, enabled, healthy and metadata. A beating instance beats with the new fields from
   * now on.
   *
   * @throws ServerUnavailableException when the server cannot be reached
   * @throws io.mse.client.AuthenticationException when the server refuses the credentials or their
   *     rights (on 3.x: without the login of a user with admin rights)
   * @throws io.mse.client.RequestRefusedException when the server refuses otherwise, with its reason
   */
  @Override
  public void updateInstance(ServiceKey service, Instance instance) {
    checkOpen();
    api.update(service, instance, settings.requestTimeout());
    if (instance.ephemeral() && beats.isBeating(service, instance)) {
      beats.stop(service, instance);
      beats.start(service, instance);
    }
    LOG.debug("Updated {} in '{}'", instance.address(), service);
  }

  /** Lists the services of a namespace and group, reading every page; sorted, without repeats. */
  @Override
  public List<String> listServices(String namespace, String group) {
    checkOpen();
    TreeSet<String> names = new TreeSet<>();
    int pageSize = settings.servicePageSize();
    int fetched = 0;
    for (int pageNo = 1; ; pageNo++) {
      NacosNamingApi.ServicePage page = api.services(namespace, group, pageNo, pageSize, settings.requestTimeout());
      names.addAll(page.names());
      fetched += page.names().size();
      boolean pastTheCount = (long) (pageNo - 1) * pageSize > page.count();
      if (page.names().isEmpty() || page.names().size() < pageSize || fetched >= page.count() || pastTheCount) {
        break;
      }
    }
    return List.copyOf(names);
  }

  /** Returns whether an instance is kept alive by beats (tests). */
  boolean isBeating(ServiceKey service, Instance instance) {
    return beats.isBeating(service, instance);
  }

  /** Returns the UDP port pushes arrive on, opening the socket on first use; 0 when push is off. */
  int pushPort() {
    if (!settings.pushEnabled() || closed.get()) {
      return 0;
    }
    synchronized (pushLock) {
      if (receiver == null && !pushFailed) {
        try {
          receiver = new UdpPushReceiver(settings.udpPort(), context.threadFactory("naming-push"), context.stats(),
              list -> scheduler.schedule(() -> watcher.applyPush(list), Duration.ZERO), pushSources());
        } catch (SocketException e) {
          pushFailed = true;
          LOG.warn("Could not open UDP port {} for Nacos pushes; instance lists will only be polled: {}",
              settings.udpPort(), e.toString());
        }
      }
      return receiver == null ? 0 : receiver.port();
    }
  }

  /** The senders pushes are accepted from: the servers of the address and {@code nacos.pushSources}. */
  private PushSources pushSources() {
    List<String> servers = NacosAddress.parse(context.config().serverAddr(), null).servers();
    return new PushSources(servers, settings.pushSources(), context.config().ticker());
  }

  /** Returns the address the server should push to. */
  String clientIp() {
    String ip = clientIp;
    if (ip == null) {
      ip = settings.clientIp() != null ? settings.clientIp() : localAddressTowards(serverUrl);
      clientIp = ip;
    }
    return ip;
  }

  private NacosServiceList readForPoll(ServiceKey service) {
    return api.list(service, pushPort(), clientIp(), settings.requestTimeout());
  }

  /**
   * Returns the local address this host uses to reach a server (a UDP "connect" sends nothing):
   * {@code 127.0.0.1} for a loopback server; the host's address when it cannot be told.
   */
  static String localAddressTowards(String serverUrl) {
    try {
      URI uri = URI.create(serverUrl);
      String host = uri.getHost();
      try (DatagramSocket probe = new DatagramSocket()) {
        probe.connect(InetAddress.getByName(host), uri.getPort() > 0 ? uri.getPort() : 8848);
        InetAddress local = probe.getLocalAddress();
        if (local != null && !local.isAnyLocalAddress()) {
          return local.getHostAddress();
        }
      }
    } catch (IOException | IllegalArgumentException | SecurityException | java.io.UncheckedIOException e) {
      LOG.debug("Could not tell the local address towards {}: {}", serverUrl, e.toString());
    }
    try {
      return InetAddress.getLocalHost().getHostAddress();
    } catch (IOException e) {
      return "127.0.0.1";
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("the Nacos naming engine of '" + context.config().serverAddr() + "' is closed");
    }
  }

  /**
   * Stops beats and polls, deregisters this client's ephemeral instances (best effort, one request
   * timeout in all), closes the UDP socket and stops the threads. Idempotent; never throws.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<BeatKeeper.Beating> ephemeral = beats.stopAll();
    watcher.stopAll();
    deregisterAll(ephemeral);
    scheduler.close();
    synchronized (pushLock) {
      if (receiver != null) {
        receiver.close();
        receiver = null;
      }
    }
    LOG.debug("Nacos naming engine closed");
  }

  private void deregisterAll(List<BeatKeeper.Beating> instances) {
    io.mse.client.Ticker ticker = context.config().ticker();
    long deadline = ticker.read() + settings.requestTimeout().toNanos();
    List<String> left = new ArrayList<>();
    for (BeatKeeper.Beating beating : instances) {
      long remaining = deadline - ticker.read();
      if (remaining <= 0) {
        left.add(beating.instance().address() + " of '" + beating.service() + "'");
        continue;
      }
      try {
        api.deregister(beating.service(), beating.instance(), Duration.ofNanos(remaining));
        LOG.info("Deregistered {} from '{}' on close", beating.instance().address(), beating.service());
      } catch (RuntimeException e) {
        left.add(beating.instance().address() + " of '" + beating.service() + "'");
        LOG.debug("Could not deregister {} from '{}' on close: {}", beating.instance().address(),
            beating.service(), e.toString());
      }
    }
    if (!left.isEmpty()) {
      LOG.warn("Could not deregister {} on close; the server drops them after 30 s without beats", left);
    }
  }
}
