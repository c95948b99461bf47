package io.mse.client.dubbo.discovery;

import static org.apache.dubbo.common.constants.RegistryConstants.ENABLE_EMPTY_PROTECTION_KEY;
import static org.apache.dubbo.metadata.RevisionResolver.EMPTY_REVISION;
import static org.apache.dubbo.registry.client.metadata.ServiceInstanceMetadataUtils.EXPORTED_SERVICES_REVISION_PROPERTY_NAME;
import static org.apache.dubbo.registry.client.metadata.ServiceInstanceMetadataUtils.getExportedServicesRevision;

import io.mse.client.MseException;
import io.mse.client.NameRules;
import io.mse.client.dubbo.registry.SharedClients;
import io.mse.client.dubbo.registry.ShutdownDrain;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingEvent;
import io.mse.client.naming.NamingListener;
import io.mse.client.naming.NamingService;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.common.config.ConfigurationUtils;
import org.apache.dubbo.common.utils.NamedThreadFactory;
import org.apache.dubbo.registry.client.AbstractServiceDiscovery;
import org.apache.dubbo.registry.client.ServiceInstance;
import org.apache.dubbo.registry.client.event.ServiceInstancesChangedEvent;
import org.apache.dubbo.registry.client.event.listener.ServiceInstancesChangedListener;
import org.apache.dubbo.rpc.model.ApplicationModel;
import org.apache.dubbo.rpc.model.ScopeModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dubbo's application-level service discovery on an mse-client {@link NamingService}, wire-compatible
 * with {@code NacosServiceDiscovery} of Dubbo 3.3: an application instance is registered in the service
 * named after the application, in the Nacos group of the URL's {@code nacos.group} or {@code group}
 * parameter ({@code DEFAULT_GROUP} by default, or always with Dubbo's
 * {@code dubbo.nacos-service-discovery.use-default-group=true}), with Dubbo's instance metadata as it is
 * ({@code dubbo.metadata.revision}, {@code dubbo.endpoints}, {@code dubbo.metadata.storage-type},
 * {@code dubbo.metadata-service.url-params}, ...; see {@link ServiceInstances}).
 *
 * <p>Subscribers get the healthy, enabled instances of an application, read from the client's memory at
 * each change and handed to Dubbo on this discovery's own notification thread (Dubbo may fetch an
 * instance's metadata there). Following an application and reading its current list are one step: the
 * client calls a new subscriber with the current list, so nothing that changes between Dubbo's first
 * read and its subscription is lost. {@code enable-empty-protection} defaults to true (see
 * {@link #getUrl()}). A new metadata revision re-registers the instance in place, with no moment
 * without it. Thread-safe.
 */
final class MseServiceDiscovery extends AbstractServiceDiscovery {

  /** Dubbo's switch of {@code NacosServiceDiscovery} to {@code DEFAULT_GROUP}: {@value}. */
  static final String USE_DEFAULT_GROUP = "dubbo.nacos-service-discovery.use-default-group";
  private static final Logger LOG = LoggerFactory.getLogger(MseServiceDiscovery.class);

  private final SharedClients.Lease lease;
  private final NamingService naming;
  private final String group;
  private final ExecutorService notifications;
  private final Map<String, AppListener> followed = new ConcurrentHashMap<>();
  private final ShutdownDrain.Settings drainSettings;
  /** The instance the registry's drain deregistered at the last module's stop; null when none. */
  private volatile ServiceInstance deregisteredForDrain;

  /**
   * @param applicationModel the application
   * @param registryUrl the {@code mse://} URL of the registry
   * @param lease the client to use; closed by {@link #destroy()}
   * @throws IllegalArgumentException when the group is not a valid Nacos group or a drain setting
   *     ({@link ShutdownDrain}) is malformed
   */
  MseServiceDiscovery(ApplicationModel applicationModel, URL registryUrl, SharedClients.Lease lease) {
    // the group is checked first: Dubbo's base class schedules its cache refresh
    super(applicationModel, withEmptyProtection(checkedGroup(registryUrl)));
    this.lease = lease;
    this.naming = lease.client().naming();
    boolean defaultGroup = Boolean.parseBoolean(
        ConfigurationUtils.getProperty(applicationModel, USE_DEFAULT_GROUP, "false"));
    this.group = defaultGroup ? NameRules.DEFAULT_GROUP : NameRules.group(groupOf(registryUrl));
    this.drainSettings = ShutdownDrain.Settings.of(registryUrl);
    this.notifications = Executors.newSingleThreadExecutor(new NamedThreadFactory("mse-dubbo-discovery-notify", true));
  }

  /** The Nacos group of a registry URL, as Dubbo's Nacos extensions read it: {@code nacos.group}, else {@code group}. */
  static String groupOf(URL registryUrl) {
    return registryUrl.getParameter("nacos.group", registryUrl.getParameter("group", NameRules.DEFAULT_GROUP));
  }

  private static URL checkedGroup(URL url) {
    NameRules.group(groupOf(url));
    ShutdownDrain.Settings.of(url);
    return url;
  }

  private static URL withEmptyProtection(URL url) {
    return url.hasParameter(ENABLE_EMPTY_PROTECTION_KEY) ? url : url.addParameter(ENABLE_EMPTY_PROTECTION_KEY, true);
  }

  @Override
  protected void doRegister(ServiceInstance serviceInstance) {
    naming.registerInstance(serviceInstance.getServiceName(), group, ServiceInstances.toInstance(serviceInstance));
    deregisteredForDrain = null;
    ShutdownDrain.of(applicationModel).holdInstance(this, this::deregisterForDrain);
    LOG.debug("Registered {} in '{}'", serviceInstance.getAddress(), serviceInstance.getServiceName());
  }

  /**
   * Deregisters the registered instance for the stop of the application's last public module (called by the
   * registry's drain, see {@link ShutdownDrain}), watching it for the drain's wait; Dubbo's own
   * unregistration of it later does not deregister it again.
   */
  private void deregisterForDrain(ScopeModel stopping) {
    ServiceInstance registered = this.serviceInstance;
    if (registered == null) {
      return;
    }
    Instance instance = ServiceInstances.toInstance(registered);
    ShutdownDrain.of(applicationModel).watch(naming, this::serverReachable, registered.getServiceName(), group,
        instance, stopping);
    naming.deregisterInstance(registered.getServiceName(), group, instance);
    deregisteredForDrain = registered;
    LOG.debug("Deregistered {} from '{}' at its last module's stop", registered.getAddress(),
        registered.getServiceName());
  }

  private boolean serverReachable() {
    return lease.client().serverStatus().reachable();
  }

  /**
   * Deregisters the instance. When the application is stopping (Dubbo's shutdown), then waits until the
   * server no longer lists it, nor the interface-level URLs the registry deregistered just before (see
   * {@link ShutdownDrain}). An instance the registry's drain deregistered already at the last module's stop
   * is not deregistered again.
   */
  @Override
  protected void doUnregister(ServiceInstance serviceInstance) {
    Instance instance = ServiceInstances.toInstance(serviceInstance);
    ShutdownDrain drain = ShutdownDrain.of(applicationModel);
    drain.releaseInstance(this);
    ScopeModel stopping = ShutdownDrain.stoppingScope(registryURL, applicationModel);
    boolean draining = stopping != null && drain.enabled(drainSettings);
    try {
      if (deregisteredForDrain != null && deregisteredForDrain.getAddress().equals(serviceInstance.getAddress())) {
        LOG.debug("{} was deregistered from '{}' at the last module's stop", serviceInstance.getAddress(),
            serviceInstance.getServiceName());
        return;
      }
      if (draining) {
        drain.watch(naming, this::serverReachable, serviceInstance.getServiceName(), group, instance, stopping);
      }
      naming.deregisterInstance(serviceInstance.getServiceName(), group, instance);
      LOG.debug("Deregistered {} from '{}'", serviceInstance.getAddress(), serviceInstance.getServiceName());
    } finally {
      deregisteredForDrain = null;
      if (draining) {
        drain.await(drainSettings, stopping);
      }
    }
  }

  /**
   * Replaces the registered instance by one with the new revision: on the same address, in place (a
   * registration of the same ip and port replaces it); otherwise Dubbo's unregister-then-register.
   */
  @Override
  protected void doUpdate(ServiceInstance oldInstance, ServiceInstance newInstance) {
    boolean sameAddress = Objects.equals(oldInstance.getHost(), newInstance.getHost())
        && oldInstance.getPort() == newInstance.getPort();
    if (!sameAddress || EMPTY_REVISION.equals(getExportedServicesRevision(newInstance))
        || EMPTY_REVISION.equals(oldInstance.getMetadata().get(EXPORTED_SERVICES_REVISION_PROPERTY_NAME))) {
      super.doUpdate(oldInstance, newInstance);
      return;
    }
    this.serviceInstance = newInstance;
    reportMetadata(newInstance.getServiceMetadata());
    doRegister(newInstance);
  }

  @Override
  protected void doDestroy() {
    followed.forEach((service, listener) -> naming.unsubscribe(service, group, listener));
    followed.clear();
    notifications.shutdown();
    lease.close();
  }

  @Override
  public Set<String> getServices() {
    return new LinkedHashSet<>(naming.getServices(group));
  }

  @Override
  public List<ServiceInstance> getInstances(String serviceName) {
    return ServiceInstances.of(serviceName, naming.selectInstances(serviceName, group, true), registryURL);
  }

  /**
   * Follows the listener's applications; the client calls back with each one's current list at once
   * (on this discovery's thread), then after every change.
   *
   * @throws MseException when an application's first read fails (Dubbo logs it; its retry event follows)
   */
  @Override
  public void addServiceInstancesChangedListener(ServiceInstancesChangedListener listener) {
    if (!instanceListeners.add(listener)) {
      return;
    }
    for (String serviceName : listener.getServiceNames()) {
      AppListener app = followed.computeIfAbsent(serviceName, AppListener::new);
      boolean first = app.listeners.isEmpty();
      app.listeners.add(listener);
      if (first) {
        try {
          naming.subscribe(serviceName, group, app);
        } catch (MseException e) {
          app.listeners.remove(listener);
          followed.remove(serviceName, app);
          LOG.warn("Could not follow application '{}': {}", serviceName, e.getMessage());
        }
      } else {
        notifications.execute(() -> app.deliver(listener));
      }
    }
  }

  @Override
  public void removeServiceInstancesChangedListener(ServiceInstancesChangedListener listener) {
    if (!instanceListeners.remove(listener)) {
      return;
    }
    for (String serviceName : listener.getServiceNames()) {
      AppListener app = followed.get(serviceName);
      if (app != null && app.listeners.remove(listener) && app.listeners.isEmpty()) {
        followed.remove(serviceName, app);
        naming.unsubscribe(serviceName, group, app);
      }
    }
  }

  /**
   * The registry URL with {@code enable-empty-protection=true} unless it says otherwise: Dubbo's
   * application-level listener reads it here, and keeps its invokers when a list becomes empty.
   */
  @Override
  public URL getUrl() {
    return registryURL;
  }

  @Override
  public String toString() {
    return "MseServiceDiscovery[" + lease.client().settings().serverAddr() + ", group " + group + "]";
  }

  /** The client's listener of one application, fanning out to Dubbo's listeners. */
  private final class AppListener implements NamingListener {
    final String serviceName;
    final Set<ServiceInstancesChangedListener> listeners = new CopyOnWriteArraySet<>();

    AppListener(String serviceName) {
      this.serviceName = serviceName;
    }

    @Override
    public void onEvent(NamingEvent event) {
      listeners.forEach(this::deliver);
    }

    void deliver(ServiceInstancesChangedListener listener) {
      List<Instance> current;
      try {
        current = naming.selectInstances(serviceName, group, true);
      } catch (MseException e) {
        LOG.warn("Could not read the instances of '{}': {}", serviceName, e.getMessage());
        return;
      }
      listener.onEvent(new ServiceInstancesChangedEvent(serviceName, ServiceInstances.of(serviceName, current, registryURL)));
    }

    @Override
    public Executor executor() {
      return notifications;
    }
  }
}
