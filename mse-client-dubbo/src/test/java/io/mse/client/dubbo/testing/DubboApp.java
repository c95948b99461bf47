package io.mse.client.dubbo.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.MethodConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.registry.client.migration.MigrationInvoker;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.cluster.ClusterInvoker;
import org.apache.dubbo.rpc.cluster.support.wrapper.ScopeClusterInvoker;
import org.apache.dubbo.rpc.model.ApplicationModel;
import org.apache.dubbo.rpc.model.FrameworkModel;

/**
 * One real Dubbo application of a test, in a framework model of its own (Dubbo's default models are
 * global; each app here is made and destroyed whole): providers on a free loopback port, references,
 * one registry. {@link #close()} stops it as a JVM shutdown would (unregistering, then unexporting) and
 * destroys its framework model.
 */
public final class DubboApp implements AutoCloseable {

  private final FrameworkModel framework;
  private final DubboBootstrap bootstrap;
  private final Map<String, ReferenceConfig<Greeter>> references;
  private final int port;
  private boolean closed;

  private DubboApp(FrameworkModel framework, DubboBootstrap bootstrap, Map<String, ReferenceConfig<Greeter>> references,
      int port) {
    this.framework = framework;
    this.bootstrap = bootstrap;
    this.references = references;
    this.port = port;
  }

  public static Builder named(String application) {
    return new Builder(application);
  }

  /** The port this app's protocol serves on (0 when it provides nothing). */
  public int port() {
    return port;
  }

  /** The consumer proxy of the reference named {@code name} (see {@link Builder#consume}). */
  public Greeter greeter(String name) {
    ReferenceConfig<Greeter> reference = references.get(name);
    if (reference == null) {
      throw new IllegalArgumentException("no reference '" + name + "'; known: " + references.keySet());
    }
    return reference.get();
  }

  /** The one reference's proxy. */
  public Greeter greeter() {
    if (references.size() != 1) {
      throw new IllegalStateException("this app has " + references.size() + " references: name one");
    }
    return references.values().iterator().next().get();
  }

  /** The provider URLs the interface-level directory of reference {@code name} holds invokers of. */
  public List<URL> interfaceLevelProviders(String name) {
    return providers(migration(name).getInvoker());
  }

  /** The provider URLs the application-level directory of reference {@code name} holds invokers of. */
  public List<URL> applicationLevelProviders(String name) {
    return providers(migration(name).getServiceDiscoveryInvoker());
  }

  @SuppressWarnings("deprecation") // ReferenceConfig#getInvoker: the one way to Dubbo's directory from outside
  private MigrationInvoker<?> migration(String name) {
    references.get(name).get();
    Invoker<?> invoker = references.get(name).getInvoker();
    if (invoker instanceof ScopeClusterInvoker<?> scope) {
      invoker = scope.getInvoker();
    }
    if (!(invoker instanceof MigrationInvoker<?> migration)) {
      throw new IllegalStateException("reference '" + name + "' is not a registry reference: " + invoker);
    }
    return migration;
  }

  private static List<URL> providers(ClusterInvoker<?> invoker) {
    if (invoker == null || invoker.getDirectory() == null) {
      return List.of();
    }
    List<URL> urls = new ArrayList<>();
    invoker.getDirectory().getAllInvokers().forEach(i -> urls.add(i.getUrl()));
    return urls;
  }

  /** This app's Dubbo application model. */
  public ApplicationModel application() {
    return bootstrap.getApplicationModel();
  }

  public FrameworkModel framework() {
    return framework;
  }

  /** Stops the app (unregistering and unexporting as on shutdown) and destroys its framework model. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      bootstrap.stop();
    } finally {
      framework.destroy();
    }
  }

  /** A free loopback port. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Builds and starts a {@link DubboApp}. */
  public static final class Builder {
    private final String application;
    private String registryAddress;
    private final Map<String, String> registryParameters = new LinkedHashMap<>();
    private final Map<String, String> applicationParameters = new LinkedHashMap<>();
    private String registerMode = "interface";
    private String metadataType;
    private String protocol = "tri";
    private final List<ServiceConfig<Greeter>> services = new ArrayList<>();
    private final Map<String, ReferenceConfig<Greeter>> references = new LinkedHashMap<>();

    private Builder(String application) {
      this.application = application;
    }

    /** The registry address, e.g. {@code mse://embedded}; its parameters in {@code parameters}. */
    public Builder registry(String address, Map<String, String> parameters) {
      this.registryAddress = address;
      this.registryParameters.putAll(parameters);
      return this;
    }

    public Builder registryParameter(String key, String value) {
      registryParameters.put(key, value);
      return this;
    }

    /** {@code interface} (default), {@code instance} or {@code all}. */
    public Builder registerMode(String registerMode) {
      this.registerMode = registerMode;
      return this;
    }

    /** {@code local} (Dubbo's default) or {@code remote}. */
    public Builder metadataType(String metadataType) {
      this.metadataType = metadataType;
      return this;
    }

    /** {@code tri} (default) or {@code dubbo}. */
    public Builder protocol(String protocol) {
      this.protocol = protocol;
      return this;
    }

    public Builder applicationParameter(String key, String value) {
      applicationParameters.put(key, value);
      return this;
    }

    /** Provides a {@link TaggedGreeter} of {@code tag} in {@code version} and {@code group} (null for none). */
    public Builder provide(String tag, String version, String group, Map<String, String> parameters) {
      ServiceConfig<Greeter> service = new ServiceConfig<>();
      service.setInterface(Greeter.class);
      service.setRef(new TaggedGreeter(tag));
      service.setVersion(version);
      service.setGroup(group);
      service.setParameters(new HashMap<>(parameters));
      services.add(service);
      return this;
    }

    public Builder provide(String tag, String version, String group) {
      return provide(tag, version, group, Map.of());
    }

    /**
     * Refers to {@link Greeter} under {@code name}: version and group may be patterns; {@code check=false}
     * (the reference starts without providers); {@code parameters} e.g. {@code migration.step}.
     */
    public Builder consume(String name, String version, String group, Map<String, String> parameters) {
      ReferenceConfig<Greeter> reference = new ReferenceConfig<>();
      reference.setInterface(Greeter.class);
      reference.setVersion(version);
      reference.setGroup(group);
      reference.setCheck(false);
      reference.setTimeout(3000);
      reference.setRetries(0);
      reference.setParameters(new HashMap<>(parameters));
      references.put(name, reference);
      return this;
    }

    /** As {@link #consume}, with the results of {@link Greeter#tags()} of every group merged (Dubbo's merger). */
    public Builder consumeMerged(String name, String version, String group, Map<String, String> parameters) {
      consume(name, version, group, parameters);
      MethodConfig tags = new MethodConfig();
      tags.setName("tags");
      tags.setMerger("true");
      references.get(name).setMethods(List.of(tags));
      return this;
    }

    /** The exporter listener extension (test SPI) each provided service is exported with. */
    public Builder exporterListener(String listener) {
      services.forEach(service -> service.setListener(listener));
      return this;
    }

    /** Starts the app: exports (and registers) its services, refers to its references. */
    public DubboApp start() {
      Loopback.forDubbo();
      FrameworkModel framework = new FrameworkModel();
      try {
        DubboBootstrap bootstrap = DubboBootstrap.newInstance(framework);
        ApplicationConfig app = new ApplicationConfig(application);
        app.setQosEnable(false);
        app.setEnableFileCache(false);
        app.setRegisterMode(registerMode);
        if (metadataType != null) {
          app.setMetadataType(metadataType);
        }
        app.setMetadataServicePort(freePort());
        app.setParameters(new HashMap<>(applicationParameters));
        RegistryConfig registry = new RegistryConfig(registryAddress);
        Map<String, String> parameters = new HashMap<>(registryParameters);
        registry.setParameters(parameters);
        bootstrap.application(app).registry(registry);
        int port = 0;
        if (!services.isEmpty()) {
          port = freePort();
          ProtocolConfig protocolConfig = new ProtocolConfig(protocol, port);
          bootstrap.protocol(protocolConfig);
          services.forEach(bootstrap::service);
        }
        references.values().forEach(bootstrap::reference);
        bootstrap.start();
        return new DubboApp(framework, bootstrap, references, port);
      } catch (RuntimeException e) {
        framework.destroy();
        throw e;
      }
    }
  }
}
