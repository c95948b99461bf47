package io.mse.client.dubbo.registry;

import static org.apache.dubbo.common.constants.RegistryConstants.CATEGORY_KEY;
import static org.apache.dubbo.common.constants.RegistryConstants.DEFAULT_CATEGORY;
import static org.apache.dubbo.common.constants.RegistryConstants.EMPTY_PROTOCOL;

import io.mse.client.MseException;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingEvent;
import io.mse.client.naming.NamingListener;
import io.mse.client.naming.NamingService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.common.URLBuilder;
import org.apache.dubbo.common.utils.UrlUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Dubbo subscription to providers: the registry services it follows (one for a concrete name, every
 * matching one for a pattern), and what it last told Dubbo.
 *
 * <p>Every event of a followed service is only a signal: the subscription reads the current lists of all
 * its services from the client's memory (no I/O) and tells Dubbo when the matching instances differ from
 * what it told last. Subscribing and the first notification are one step ({@link #start}), and a list
 * that comes back after being empty is always told, so a consumer never stays without providers that
 * are there. An empty list is kept from Dubbo while {@code emptyProtection} is on (Dubbo keeps its
 * invokers); with it off Dubbo gets {@code empty://} and drops them.
 *
 * <p>Thread-safe: notifications are made under this object's lock, in the order of the reads.
 */
final class ProviderSubscription implements NamingListener {

  private static final Logger LOG = LoggerFactory.getLogger(ProviderSubscription.class);

  private final URL consumerUrl;
  private final DubboServiceName pattern;
  private final NamingService naming;
  private final String group;
  private final boolean emptyProtection;
  private final Executor executor;
  private final BiConsumer<URL, List<URL>> notifier;
  private final Set<String> services = new CopyOnWriteArraySet<>();
  private volatile boolean started;
  private volatile boolean stopped;
  /** Guarded by this: the instances Dubbo was last told of; null before the first notification. */
  private Set<Instance> told;
  /** Guarded by this: whether the current empty episode was logged. */
  private boolean emptyLogged;

  /**
   * @param consumerUrl the subscribed URL
   * @param naming the registry
   * @param group the registry group the services are in
   * @param emptyProtection whether an empty list is kept from Dubbo
   * @param executor where change events are handled (one thread, so they keep their order)
   * @param notifier tells Dubbo: the subscribed URL and the provider URLs (or one {@code empty://})
   */
  ProviderSubscription(URL consumerUrl, NamingService naming, String group, boolean emptyProtection, Executor executor,
      BiConsumer<URL, List<URL>> notifier) {
    this.consumerUrl = consumerUrl;
    this.pattern = DubboServiceName.subscribed(consumerUrl);
    this.naming = naming;
    this.group = group;
    this.emptyProtection = emptyProtection;
    this.executor = executor;
    this.notifier = notifier;
  }

  /** Whether this subscription names its service exactly (false: a pattern, resolved by {@link #rescan}). */
  boolean isConcrete() {
    return pattern.isConcrete();
  }

  /**
   * Follows the services of this subscription and tells Dubbo their current providers before returning.
   *
   * @throws MseException when the registry cannot be read (nothing is left subscribed)
   */
  void start() {
    try {
      if (pattern.isConcrete()) {
        follow(pattern.value());
      } else {
        rescan();
      }
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
    // events of the subscriptions above were held back until now: this read covers them all
    started = true;
    refresh();
  }

  /**
   * Lists the registry's services (I/O) and follows those this pattern accepts that are not followed yet,
   * then tells Dubbo if that changed its providers.
   *
   * @throws MseException when the registry cannot be read
   */
  void rescan() {
    boolean added = false;
    for (String name : naming.getServices(group)) {
      DubboServiceName parsed = DubboServiceName.parse(name).orElse(null);
      if (parsed != null && pattern.accepts(parsed) && !services.contains(name)) {
        follow(name);
        added = true;
      }
    }
    if (added) {
      refresh();
    }
  }

  private void follow(String serviceName) {
    if (stopped) {
      return;
    }
    // listed first, so that the client's first callback (maybe on another thread, at once) reads it too
    services.add(serviceName);
    try {
      naming.subscribe(serviceName, group, this);
    } catch (RuntimeException e) {
      services.remove(serviceName);
      throw e;
    }
    LOG.debug("Following '{}' for {}", serviceName, consumerUrl.getServiceKey());
  }

  /** Stops following every service; idempotent. */
  void stop() {
    stopped = true;
    for (String service : services) {
      try {
        naming.unsubscribe(service, group, this);
      } catch (RuntimeException e) {
        LOG.debug("Unsubscribing '{}' failed: {}", service, e.toString());
      }
    }
    services.clear();
  }

  @Override
  public void onEvent(NamingEvent event) {
    if (!stopped) {
      refresh();
    }
  }

  @Override
  public Executor executor() {
    return executor;
  }

  /** Reads the followed lists from memory and tells Dubbo when the matching providers changed. */
  synchronized void refresh() {
    if (!started || stopped) {
      return;
    }
    Set<Instance> current = new HashSet<>();
    List<URL> urls = new ArrayList<>();
    try {
      for (String service : services) {
        for (Instance instance : naming.getAllInstances(service, group)) {
          if (!instance.healthy() || !instance.enabled()) {
            continue;
          }
          URL url = ProviderInstances.toUrl(instance, consumerUrl);
          if (url != null && UrlUtils.isMatch(consumerUrl, url) && current.add(instance)) {
            urls.add(url);
          }
        }
      }
    } catch (MseException e) {
      LOG.warn("Could not read the providers of {} ({}); Dubbo keeps what it has", consumerUrl.getServiceKey(),
          e.getMessage());
      return;
    }
    if (current.equals(told)) {
      return;
    }
    boolean wasTold = told != null;
    told = current;
    if (!urls.isEmpty()) {
      emptyLogged = false;
      LOG.debug("{} provider(s) of {}", urls.size(), consumerUrl.getServiceKey());
      notifier.accept(consumerUrl, urls);
      return;
    }
    if (emptyProtection) {
      if (wasTold && !emptyLogged) {
        emptyLogged = true;
        LOG.warn("The registry lists no provider of {} any more; Dubbo keeps its last ones (empty protection;"
            + " enable-empty-protection=false on the registry lets it drop them)", consumerUrl.getServiceKey());
      }
      return;
    }
    URL empty = URLBuilder.from(consumerUrl).setProtocol(EMPTY_PROTOCOL)
        .addParameter(CATEGORY_KEY, DEFAULT_CATEGORY).build();
    LOG.info("The registry lists no provider of {}: Dubbo drops its invokers (empty protection is off)",
        consumerUrl.getServiceKey());
    notifier.accept(consumerUrl, List.of(empty));
  }

  /** Returns the registry service names followed, for lookups. */
  Set<String> services() {
    return Set.copyOf(services);
  }
}
