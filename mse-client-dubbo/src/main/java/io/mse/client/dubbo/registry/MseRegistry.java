package io.mse.client.dubbo.registry;

import static org.apache.dubbo.common.constants.CommonConstants.ANY_VALUE;
import static org.apache.dubbo.common.constants.CommonConstants.PROVIDER_SIDE;
import static org.apache.dubbo.common.constants.RegistryConstants.DEFAULT_CATEGORY;
import static org.apache.dubbo.common.constants.RegistryConstants.ENABLE_EMPTY_PROTECTION_KEY;
import static org.apache.dubbo.common.constants.RegistryConstants.NACOS_REGISTER_COMPATIBLE;
import static org.apache.dubbo.common.constants.RegistryConstants.PROVIDERS_CATEGORY;
import static org.apache.dubbo.common.constants.RegistryConstants.REGISTER_CONSUMER_URL_KEY;

import io.mse.client.MseException;
import io.mse.client.NameRules;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.common.utils.NamedThreadFactory;
import org.apache.dubbo.common.utils.UrlUtils;
import org.apache.dubbo.registry.NotifyListener;
import org.apache.dubbo.registry.support.FailbackRegistry;
import org.apache.dubbo.registry.support.SkipFailbackWrapperException;
import org.apache.dubbo.rpc.model.ApplicationModel;
import org.apache.dubbo.rpc.model.ModuleModel;
import org.apache.dubbo.rpc.model.ScopeModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dubbo's interface-level registry on an mse-client {@link NamingService}, wire-compatible with
 * {@code dubbo-registry-nacos} 3.3: providers are registered under {@code providers:interface:version:group}
 * in the Nacos group of the registry URL's {@code group} parameter ({@code DEFAULT_GROUP} by default),
 * their URL parameters as instance metadata (see {@link ProviderInstances}); consumers follow those names,
 * patterns included (see {@link DubboServiceName}). With {@code register-consumer-url=true}, consumers are
 * registered too, as Dubbo's Nacos registry registers them: port 0, under {@code consumers:interface:version:group}.
 *
 * <p>Dubbo's {@link FailbackRegistry} retries a failed registration or subscription. Reads are served from
 * the client's memory after a service's first read, and nothing here is on Dubbo's invocation path.
 * Changes reach Dubbo on this registry's own notification thread; patterns are resolved again every
 * {@code mse.service-scan-seconds} (default 30) on a scanning thread, so providers of a version or group
 * that appears later are found. Both threads are daemons, stopped by {@link #destroy()}.
 *
 * <p>{@code enable-empty-protection} (Dubbo's parameter) is on by default here, unlike Dubbo's: a
 * provider list that becomes empty is kept from Dubbo, which keeps its invokers; the next non-empty list
 * replaces them. Thread-safe.
 */
final class MseRegistry extends FailbackRegistry {

  /** The URL parameter of the pattern re-scan period in seconds: {@value}. */
  static final String SERVICE_SCAN_SECONDS = "mse.service-scan-seconds";
  private static final long DEFAULT_SCAN_SECONDS = 30;
  private static final Logger LOG = LoggerFactory.getLogger(MseRegistry.class);

  private final SharedClients.Lease lease;
  private final NamingService naming;
  private final String group;
  private final boolean emptyProtection;
  private final long scanSeconds;
  private final ExecutorService notifications;
  private final Map<URL, Map<NotifyListener, ProviderSubscription>> subscriptions = new ConcurrentHashMap<>();
  private final ApplicationModel application;
  private final ShutdownDrain.Settings drainSettings;
  private final Set<URL> drained = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService scanner;

  /**
   * @param url the registry URL
   * @param lease the client to use; closed by {@link #destroy()}
   * @param application the Dubbo application of this registry (its shutdown drain)
   * @throws IllegalArgumentException when the URL's {@code group} is not a valid Nacos group,
   *     {@code mse.service-scan-seconds} is not a positive number or a drain setting is malformed
   */
  MseRegistry(URL url, SharedClients.Lease lease, ApplicationModel application) {
    super(checked(url)); // checked first: Dubbo's base class starts its retry timer
    this.lease = lease;
    this.naming = lease.client().naming();
    this.group = NameRules.group(url.getGroup(NameRules.DEFAULT_GROUP));
    this.emptyProtection = ClientSettings.bool(ENABLE_EMPTY_PROTECTION_KEY,
        url.getParameter(ENABLE_EMPTY_PROTECTION_KEY, "true"));
    this.scanSeconds = scanSeconds(url);
    this.application = application;
    this.drainSettings = ShutdownDrain.Settings.of(url);
    this.notifications = Executors.newSingleThreadExecutor(new NamedThreadFactory("mse-dubbo-registry-notify", true));
  }

  private static URL checked(URL url) {
    NameRules.group(url.getGroup(NameRules.DEFAULT_GROUP));
    ClientSettings.bool(ENABLE_EMPTY_PROTECTION_KEY, url.getParameter(ENABLE_EMPTY_PROTECTION_KEY, "true"));
    scanSeconds(url);
    ShutdownDrain.Settings.of(url);
    return url;
  }

  private static long scanSeconds(URL url) {
    String value = url.getParameter(SERVICE_SCAN_SECONDS, Long.toString(DEFAULT_SCAN_SECONDS));
    try {
      long seconds = Long.parseLong(value.strip());
      if (seconds > 0) {
        return seconds;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("parameter " + SERVICE_SCAN_SECONDS + "='" + value + "' is invalid: it is a"
        + " positive whole number of seconds");
  }

  @Override
  public boolean isAvailable() {
    return !lease.client().isClosed();
  }

  /**
   * Registers a provider URL, and a consumer URL when the registry has {@code register-consumer-url=true}, as
   * Dubbo's Nacos registry does: a consumer URL as it is, port 0, in {@code consumers:interface:version:group},
   * its parameters ({@code side=consumer}, {@code category=consumers}) as metadata. Such an instance is
   * listed but never chosen as a call target ({@link Instance#isConsumerRegistration()}).
   */
  @Override
  public void doRegister(URL url) {
    if (!registers(url)) {
      LOG.info("Not registering consumer {}: set register-consumer-url=true on the registry to register consumers",
          url.getServiceKey());
      return;
    }
    Instance instance = instance(url);
    for (String service : serviceNames(url)) {
      try {
        naming.registerInstance(service, group, instance);
      } catch (IllegalArgumentException e) {
        // e.g. metadata longer than the server accepts: no retry can succeed
        throw new SkipFailbackWrapperException(e);
      }
      LOG.debug("Registered {} in '{}'", instance.address(), service);
    }
  }

  /**
   * Deregisters {@code url}. When a provider's application or module is stopping (Dubbo's shutdown),
   * deregisters with it every other provider URL of this registry that is stopping too, then waits until the
   * server no longer lists them (see {@link ShutdownDrain}), unless the application itself is stopping and its
   * {@code mse://} discovery deregisters next and waits for them with its own instance. When only a module
   * stops, the wait is here, before Dubbo unexports the module's services; when that module is the
   * application's last public one, the discovery's application-level instance is deregistered first and
   * waited for in the same wait. Another URL that fails to deregister is logged and left registered, so
   * that Dubbo's own unregistration of it tries again. A consumer URL is deregistered at once: nothing calls
   * a consumer.
   */
  @Override
  public void doUnregister(URL url) {
    if (!registers(url) || drained.remove(url)) {
      return;
    }
    ScopeModel stopping = drains(url) && application != null ? ShutdownDrain.stoppingScope(url, application) : null;
    ShutdownDrain drain = stopping == null ? null : ShutdownDrain.of(application);
    if (drain == null || !drain.enabled(drainSettings)) {
      deregister(url, null, null);
      return;
    }
    try {
      deregister(url, drain, stopping);
      for (URL other : getRegistered()) {
        if (registers(other) && drains(other) && ShutdownDrain.stopping(other, application)
            && !drained.contains(other)) {
          deregisterForDrain(other, drain, stopping);
        }
      }
    } finally {
      boolean moduleStop = stopping instanceof ModuleModel;
      if (moduleStop && ShutdownDrain.lastPublicModule((ModuleModel) stopping)) {
        drain.deregisterApplicationInstances(stopping);
      }
      if (moduleStop || !drain.discoveryHoldsInstance()) {
        drain.await(drainSettings, stopping);
      }
    }
  }

  private void deregisterForDrain(URL other, ShutdownDrain drain, ScopeModel stopping) {
    deregisterOther(other, drained, () -> deregister(other, drain, stopping));
  }

  /**
   * Runs {@code deregistration} of {@code other}, a stopping URL deregistered along with the one Dubbo
   * unregisters, and adds it to {@code drained} (so that Dubbo's own unregistration of it does nothing) only
   * when it succeeded; a failure is logged once and leaves it out, so that Dubbo's unregistration tries again.
   */
  static void deregisterOther(URL other, Set<URL> drained, Runnable deregistration) {
    try {
      deregistration.run();
      drained.add(other);
    } catch (RuntimeException e) {
      LOG.warn("Could not deregister {} at shutdown ({}); Dubbo's own unregistration of it will try again",
          other.getServiceKey(), e.toString());
    }
  }

  /** Whether deregistering {@code url} on shutdown waits for its removal: a provider's, which consumers call. */
  private static boolean drains(URL url) {
    return PROVIDER_SIDE.equals(url.getSide());
  }

  private void deregister(URL url, ShutdownDrain drain, ScopeModel stopping) {
    Instance instance = instance(url);
    for (String service : serviceNames(url)) {
      if (drain != null) {
        drain.watch(naming, this::serverReachable, service, group, instance, stopping);
      }
      naming.deregisterInstance(service, group, instance);
      LOG.debug("Deregistered {} from '{}'", instance.address(), service);
    }
  }

  private boolean serverReachable() {
    return lease.client().serverStatus().reachable();
  }

  @Override
  public void doSubscribe(URL url, NotifyListener listener) {
    if (!subscribesToProviders(url)) {
      // configurators and routers live in the config center, as with Dubbo's Nacos registry
      return;
    }
    ProviderSubscription subscription = new ProviderSubscription(url, naming, group, emptyProtection, notifications,
        (subscribed, urls) -> notify(subscribed, listener, urls));
    ProviderSubscription previous = subscriptions.computeIfAbsent(url, u -> new ConcurrentHashMap<>())
        .put(listener, subscription);
    if (previous != null) {
      previous.stop();
    }
    try {
      subscription.start();
    } catch (MseException e) {
      forget(url, listener, subscription);
      throw e;
    } catch (IllegalArgumentException e) {
      forget(url, listener, subscription);
      throw new SkipFailbackWrapperException(e);
    }
    if (!subscription.isConcrete()) {
      startScanner();
    }
  }

  @Override
  public void doUnsubscribe(URL url, NotifyListener listener) {
    Map<NotifyListener, ProviderSubscription> byListener = subscriptions.get(url);
    ProviderSubscription subscription = byListener == null ? null : byListener.get(listener);
    if (subscription != null) {
      forget(url, listener, subscription);
      subscription.stop();
    }
  }

  @Override
  public List<URL> lookup(URL url) {
    if (url == null) {
      throw new IllegalArgumentException("lookup url == null");
    }
    DubboServiceName pattern = DubboServiceName.subscribed(url);
    Set<String> names = new LinkedHashSet<>();
    if (pattern.isConcrete()) {
      names.add(pattern.value());
    } else {
      for (String name : naming.getServices(group)) {
        DubboServiceName.parse(name).filter(pattern::accepts).ifPresent(n -> names.add(name));
      }
    }
    List<URL> urls = new ArrayList<>();
    for (String name : names) {
      for (Instance instance : naming.getAllInstances(name, group)) {
        URL provider = instance.healthy() && instance.enabled() ? ProviderInstances.toUrl(instance, url) : null;
        if (provider != null && UrlUtils.isMatch(url, provider)) {
          urls.add(provider);
        }
      }
    }
    return urls;
  }

  /** Unregisters and unsubscribes (Dubbo's {@code destroy}), then stops this registry's threads and lets go of the client. */
  @Override
  public void destroy() {
    try {
      super.destroy();
    } finally {
      subscriptions.values().forEach(byListener -> byListener.values().forEach(ProviderSubscription::stop));
      subscriptions.clear();
      drained.clear();
      synchronized (this) {
        if (scanner != null) {
          scanner.shutdownNow();
        }
      }
      notifications.shutdown();
      lease.close();
    }
  }

  private void forget(URL url, NotifyListener listener, ProviderSubscription subscription) {
    Map<NotifyListener, ProviderSubscription> byListener = subscriptions.get(url);
    if (byListener != null) {
      byListener.remove(listener, subscription);
      if (byListener.isEmpty()) {
        subscriptions.remove(url, byListener);
      }
    }
  }

  private synchronized void startScanner() {
    if (scanner != null) {
      return;
    }
    scanner = Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("mse-dubbo-registry-scan", true));
    scanner.scheduleWithFixedDelay(this::rescanAll, scanSeconds, scanSeconds, TimeUnit.SECONDS);
  }

  private void rescanAll() {
    for (Map<NotifyListener, ProviderSubscription> byListener : subscriptions.values()) {
      for (ProviderSubscription subscription : byListener.values()) {
        if (!subscription.isConcrete()) {
          try {
            subscription.rescan();
          } catch (RuntimeException e) {
            LOG.warn("Could not look for new services in group '{}': {}", group, e.toString());
            return;
          }
        }
      }
    }
  }

  private boolean registers(URL url) {
    return PROVIDER_SIDE.equals(url.getSide()) || getUrl().getParameter(REGISTER_CONSUMER_URL_KEY, false);
  }

  private static boolean subscribesToProviders(URL url) {
    return ANY_VALUE.equals(url.getServiceInterface())
        || Arrays.asList(url.getCategory(DEFAULT_CATEGORY).split(",")).contains(PROVIDERS_CATEGORY);
  }

  private static Instance instance(URL url) {
    try {
      return ProviderInstances.of(url);
    } catch (IllegalArgumentException e) {
      throw new SkipFailbackWrapperException(e);
    }
  }

  private Set<String> serviceNames(URL url) {
    DubboServiceName name = DubboServiceName.registered(url);
    Set<String> names = new LinkedHashSet<>();
    names.add(name.value());
    if (getUrl().getParameter(NACOS_REGISTER_COMPATIBLE, false)) {
      names.add(name.compatibleValue());
    }
    for (String service : names) {
      try {
        NameRules.service(service);
      } catch (IllegalArgumentException e) {
        throw new SkipFailbackWrapperException(e);
      }
    }
    return names;
  }
}
