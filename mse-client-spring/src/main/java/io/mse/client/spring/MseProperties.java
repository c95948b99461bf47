package io.mse.client.spring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code mse.*} properties: which server, which namespace, which credentials, where snapshots go.
 * Bound by Spring at start-up and read once to build the {@link io.mse.client.MseClient}; values are
 * checked by {@link io.mse.client.MseClient.Builder}, whose exception names a rejected value. A
 * mutable bean as Spring binding needs; not thread-safe while bound, read-only afterwards.
 * {@link #toString()} masks the password.
 */
@ConfigurationProperties(MseProperties.PREFIX)
public class MseProperties {

  /** The prefix of every property of mse-client. */
  public static final String PREFIX = "mse";

  /**
   * Whether mse-client is auto-configured at all; false creates no bean.
   */
  private boolean enabled = true;

  /**
   * The server: host:port[,host:port] or nacos://... for a Nacos-compatible server, https://... for
   * Nacos over TLS, zookeeper://host:port[,...] for ZooKeeper, or embedded for an in-process
   * ZooKeeper server (needs mse-client-zookeeper on the class path).
   */
  private String serverAddr = "embedded";

  /**
   * The namespace id; empty or "public" for the public namespace.
   */
  private String namespace = "";

  /**
   * The login name of an auth-enabled server; none by default.
   */
  private String username;

  /**
   * The password of the username; never logged.
   */
  private String password;

  /**
   * The directory of snapshots (last known good configs and instance lists); ~/.mse-client/snapshot
   * when not set.
   */
  private Path snapshotDir;

  /**
   * The longest wait for one server request, end to end, across every server tried.
   */
  private Duration requestTimeout = Duration.ofSeconds(3);

  /**
   * The application's name, which names its governance rule document (the name followed by
   * .governance.json); spring.application.name when not set.
   */
  private String applicationName;

  /** Discovery and registration settings. */
  private final Discovery discovery = new Discovery();

  /** Health indicator settings. */
  private final Health health = new Health();

  /** Micrometer metrics settings. */
  private final Metrics metrics = new Metrics();
  /** Config import ({@code spring.config.import=mse:...}) settings. */
  private final Config config = new Config();

  /** Governed load balancing settings. */
  private final LoadBalancer loadbalancer = new LoadBalancer();

  /** Tag propagation settings. */
  private final TagPropagation tagPropagation = new TagPropagation();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getServerAddr() {
    return serverAddr;
  }

  public void setServerAddr(String serverAddr) {
    this.serverAddr = serverAddr;
  }

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  /** Returns the username; null when none is set. */
  public String getUsername() {
    return username;
  }

  public void setUsername(String username) {
    this.username = username;
  }

  /** Returns the password; null when none is set. */
  public String getPassword() {
    return password;
  }

  public void setPassword(String password) {
    this.password = password;
  }

  /** Returns the snapshot directory; null for the client's default. */
  public Path getSnapshotDir() {
    return snapshotDir;
  }

  public void setSnapshotDir(Path snapshotDir) {
    this.snapshotDir = snapshotDir;
  }

  public Duration getRequestTimeout() {
    return requestTimeout;
  }

  public void setRequestTimeout(Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
  }

  /** Returns the application name; null when not set (spring.application.name is used then). */
  public String getApplicationName() {
    return applicationName;
  }

  public void setApplicationName(String applicationName) {
    this.applicationName = applicationName;
  }

  public Discovery getDiscovery() {
    return discovery;
  }

  public Health getHealth() {
    return health;
  }

  public Metrics getMetrics() {
    return metrics;
  }

  public Config getConfig() {
    return config;
  }

  public LoadBalancer getLoadbalancer() {
    return loadbalancer;
  }

  public TagPropagation getTagPropagation() {
    return tagPropagation;
  }

  @Override
  public String toString() {
    return "MseProperties[enabled=" + enabled + ", serverAddr=" + serverAddr + ", namespace=" + namespace
        + ", username=" + username + ", password=" + (password == null ? "null" : "******")
        + ", snapshotDir=" + snapshotDir + ", requestTimeout=" + requestTimeout
        + ", applicationName=" + applicationName + ", discovery=" + discovery + ", health=" + health
        + ", config=" + config + ", loadbalancer=" + loadbalancer + ", tagPropagation=" + tagPropagation + "]";
  }

  /** The {@code mse.discovery.*} properties: discovery, registration of this application, and its drain. */
  public static class Discovery {

    /** The interface names (regular expressions) left out of the address choice by default. */
    public static final List<String> DEFAULT_IGNORED_INTERFACES = List.of("docker\\d*", "br-.*", "veth.*",
        "virbr.*", "vmnet.*", "vboxnet.*", "cni.*", "flannel.*", "cali.*", "tunl\\d*", "kube-.*", "lxcbr.*",
        "lxdbr.*", "podman.*", "cilium.*", "vxlan.*", "weave.*");

    /**
     * Whether mse-client serves discovery (a Spring Cloud DiscoveryClient) and registers this
     * application; false turns both off.
     */
    private boolean enabled = true;

    /**
     * The group whose services the DiscoveryClient lists and resolves, and in which this application
     * registers.
     */
    private String group = "DEFAULT_GROUP";

    /**
     * Whether this application registers itself when its web server has started (and deregisters, then
     * drains, when it stops).
     */
    private boolean registerEnabled = true;

    /**
     * The service name this application registers under; spring.application.name when not set.
     */
    private String service;

    /**
     * The address to register, overriding the choice among the host's network interfaces (for a NAT or
     * a container whose reachable address is not on any interface).
     */
    private String ip;

    /**
     * The network interface (name, e.g. eth0) whose address is registered; any interface when not set.
     */
    private String networkInterface;

    /**
     * Networks to prefer, each a CIDR block (10.0.0.0/8) or an address prefix (192.168.1.); the
     * address is chosen among those in one of them when any is.
     */
    private List<String> preferredNetworks = new ArrayList<>();

    /**
     * Interface names (regular expressions, whole name) whose addresses are never registered: container
     * and virtual-machine bridges and overlays by default.
     */
    private List<String> ignoredInterfaces = new ArrayList<>(DEFAULT_IGNORED_INTERFACES);

    /**
     * The port to register; 0 registers the web server's actual port (also when server.port=0).
     */
    private int port;

    /**
     * The cluster of this instance.
     */
    private String cluster = "DEFAULT";

    /**
     * The weight of this instance, 0 to 10000; 0 receives no traffic.
     */
    private double weight = 1.0;

    /**
     * Whether the instance is ephemeral (alive while this application's client is: beats or a session)
     * rather than persistent until deregistered.
     */
    private boolean ephemeral = true;

    /**
     * Whether the instance is served over TLS (metadata secure=true, scheme https); when not set, true
     * when the web server has SSL configured (server.ssl.*).
     */
    private Boolean secure;

    /**
     * Metadata of the registered instance (e.g. version: v2); they win over the defaults secure and
     * timestamp.
     */
    private Map<String, String> metadata = new LinkedHashMap<>();

    /**
     * The longest time a stopping application waits, after deregistering and before its web server
     * stops taking requests, for callers to see the removal and for in-flight requests to end.
     */
    private Duration drainTimeout = Duration.ofSeconds(10);

    /**
     * How long the drain waits after this application's own subscription shows its instance gone,
     * so that the other subscribers' pushes arrive too; within drain-timeout.
     */
    private Duration drainPushMargin = Duration.ofSeconds(1);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getGroup() {
      return group;
    }

    public void setGroup(String group) {
      this.group = group;
    }

    public boolean isRegisterEnabled() {
      return registerEnabled;
    }

    public void setRegisterEnabled(boolean registerEnabled) {
      this.registerEnabled = registerEnabled;
    }

    /** Returns the service name; null when not set (spring.application.name is used then). */
    public String getService() {
      return service;
    }

    public void setService(String service) {
      this.service = service;
    }

    /** Returns the address override; null when the address is chosen among the interfaces. */
    public String getIp() {
      return ip;
    }

    public void setIp(String ip) {
      this.ip = ip;
    }

    /** Returns the interface to take the address from; null for any. */
    public String getNetworkInterface() {
      return networkInterface;
    }

    public void setNetworkInterface(String networkInterface) {
      this.networkInterface = networkInterface;
    }

    public List<String> getPreferredNetworks() {
      return preferredNetworks;
    }

    public void setPreferredNetworks(List<String> preferredNetworks) {
      this.preferredNetworks = preferredNetworks;
    }

    public List<String> getIgnoredInterfaces() {
      return ignoredInterfaces;
    }

    public void setIgnoredInterfaces(List<String> ignoredInterfaces) {
      this.ignoredInterfaces = ignoredInterfaces;
    }

    public int getPort() {
      return port;
    }

    public void setPort(int port) {
      this.port = port;
    }

    public String getCluster() {
      return cluster;
    }

    public void setCluster(String cluster) {
      this.cluster = cluster;
    }

    public double getWeight() {
      return weight;
    }

    public void setWeight(double weight) {
      this.weight = weight;
    }

    public boolean isEphemeral() {
      return ephemeral;
    }

    public void setEphemeral(boolean ephemeral) {
      this.ephemeral = ephemeral;
    }

    /** Returns whether the instance is served over TLS; null to derive it from server.ssl.*. */
    public Boolean getSecure() {
      return secure;
    }

    public void setSecure(Boolean secure) {
      this.secure = secure;
    }

    public Map<String, String> getMetadata() {
      return metadata;
    }

    public void setMetadata(Map<String, String> metadata) {
      this.metadata = metadata;
    }

    public Duration getDrainTimeout() {
      return drainTimeout;
    }

    public void setDrainTimeout(Duration drainTimeout) {
      this.drainTimeout = drainTimeout;
    }

    public Duration getDrainPushMargin() {
      return drainPushMargin;
    }

    public void setDrainPushMargin(Duration drainPushMargin) {
      this.drainPushMargin = drainPushMargin;
    }

    @Override
    public String toString() {
      return "Discovery[enabled=" + enabled + ", group=" + group + ", registerEnabled=" + registerEnabled
          + ", service=" + service + ", ip=" + ip + ", networkInterface=" + networkInterface
          + ", preferredNetworks=" + preferredNetworks + ", port=" + port + ", cluster=" + cluster
          + ", weight=" + weight + ", ephemeral=" + ephemeral + ", secure=" + secure + ", metadata=" + metadata
          + ", drainTimeout=" + drainTimeout + ", drainPushMargin=" + drainPushMargin + "]";
    }
  }

  /** The {@code mse.metrics.*} properties (read by {@code MseMetricsAutoConfiguration}). */
  public static class Metrics {

    /**
     * Whether the client's and its governance's meters are bound to the application's Micrometer
     * registries (where Micrometer and a MeterRegistry are present).
     */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    @Override
    public String toString() {
      return "Metrics[enabled=" + enabled + "]";
    }
  }

  /** The {@code mse.health.*} properties of the actuator health indicator. */
  public static class Health {

    /**
     * How long the server may be unreachable before the health indicator reports DOWN; until then it
     * reports UP, naming the cached data being served.
     */
    private Duration unreachableThreshold = Duration.ofSeconds(30);

    public Duration getUnreachableThreshold() {
      return unreachableThreshold;
    }

    public void setUnreachableThreshold(Duration unreachableThreshold) {
      this.unreachableThreshold = unreachableThreshold;
    }

    @Override
    public String toString() {
      return "Health[unreachableThreshold=" + unreachableThreshold + "]";
    }
  }

  /**
   * The {@code mse.config.*} properties: defaults of the {@code spring.config.import=mse:<dataId>}
   * imports that do not say otherwise in their query. Read from the Environment while Spring Boot
   * processes config data (before the context exists), so they belong in {@code application.*}, in
   * system properties or environment variables, not in an imported config.
   */
  public static class Config {

    /**
     * The group of an import that has no group parameter.
     */
    private String group = "DEFAULT_GROUP";

    /**
     * The format of an import whose dataId does not end in .properties, .yaml, .yml or .json: one
     * of properties, yaml, yml, json.
     */
    private String fileExtension = "properties";

    /**
     * Whether an import without a refresh parameter follows later changes of its config (the
     * Environment is updated in place, @ConfigurationProperties beans rebound and @RefreshScope
     * beans rebuilt).
     */
    private boolean refreshEnabled = true;

    public String getGroup() {
      return group;
    }

    public void setGroup(String group) {
      this.group = group;
    }

    public String getFileExtension() {
      return fileExtension;
    }

    public void setFileExtension(String fileExtension) {
      this.fileExtension = fileExtension;
    }

    public boolean isRefreshEnabled() {
      return refreshEnabled;
    }

    public void setRefreshEnabled(boolean refreshEnabled) {
      this.refreshEnabled = refreshEnabled;
    }

    @Override
    public String toString() {
      return "Config[group=" + group + ", fileExtension=" + fileExtension + ", refreshEnabled=" + refreshEnabled + "]";
    }
  }

  /**
   * How the resource of a load-balanced call is named: the key its rate limit, circuit breaker,
   * retry and timeout rules are looked up by (then its service's, then {@code *}). Every name is
   * bounded: none holds a path variable's value or a query.
   */
  public enum ResourceNaming {
    /** The service name: {@code inventory-service}. */
    SERVICE,
    /** The service and the HTTP method: {@code inventory-service:GET}. */
    METHOD,
    /**
     * The service, the method and the path of the URI template the client was given, variables
     * unexpanded: {@code inventory-service:GET /orders/{id}}. RestClient and WebClient pass their
     * template on ({@code .uri("http://inventory-service/orders/{id}", id)}); RestTemplate does not,
     * and a URI given whole has none: such calls are named as by {@link #METHOD}.
     */
    URI_TEMPLATE
  }

  /** The {@code mse.loadbalancer.*} properties. */
  public static class LoadBalancer {

    /**
     * Whether load-balanced RestTemplate, RestClient.Builder and WebClient.Builder (and Spring
     * Cloud's LoadBalancerClient) are governed by mse-client: routes, subsets, balancers, outlier
     * ejection, rate limits, circuit breakers, retries and timeouts. False leaves load balancing to
     * Spring Cloud LoadBalancer.
     */
    private boolean enabled = true;

    /**
     * How the resource of a call (the key of its rate limit, breaker, retry and timeout rules) is
     * named: SERVICE, METHOD or URI_TEMPLATE.
     */
    private ResourceNaming resourceNaming = ResourceNaming.SERVICE;

    /**
     * Whether a call with a method that is not idempotent (POST, PATCH...) is retried after any
     * failure, like GET; by default it is retried only when the connection could not be made (it
     * was certainly not sent).
     */
    private boolean retryNonIdempotent;

    /**
     * The most attempts of load-balanced RestTemplate and RestClient calls under a timeout rule sent
     * at the same time, each on a thread of its own so that the caller's wait ends at the rule's
     * timeout (an attempt that outlives its timeout keeps its thread until its exchange ends); when
     * all are busy, a call waits for one up to its timeout and is then refused with a
     * TimeoutThreadsBusyException, nothing sent. Calls without a timeout rule use none. 1 to 10000.
     */
    private int maxTimeoutThreads = 200;

    /**
     * The most of those threads one service's calls may hold at once, so that a service whose
     * provider hangs cannot take the threads of the others; used up to max-timeout-threads. 1 to
     * 10000.
     */
    private int maxTimeoutThreadsPerService = 50;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public ResourceNaming getResourceNaming() {
      return resourceNaming;
    }

    /** Sets the resource naming; not null. */
    public void setResourceNaming(ResourceNaming resourceNaming) {
      if (resourceNaming == null) {
        throw new IllegalArgumentException("mse.loadbalancer.resource-naming must not be empty: use SERVICE, METHOD"
            + " or URI_TEMPLATE");
      }
      this.resourceNaming = resourceNaming;
    }

    public boolean isRetryNonIdempotent() {
      return retryNonIdempotent;
    }

    public void setRetryNonIdempotent(boolean retryNonIdempotent) {
      this.retryNonIdempotent = retryNonIdempotent;
    }

    public int getMaxTimeoutThreads() {
      return maxTimeoutThreads;
    }

    /** Sets the most threads for calls under a timeout rule; 1 to 10000. */
    public void setMaxTimeoutThreads(int maxTimeoutThreads) {
      if (maxTimeoutThreads < 1 || maxTimeoutThreads > 10_000) {
        throw new IllegalArgumentException("mse.loadbalancer.max-timeout-threads " + maxTimeoutThreads
            + " is invalid: it must be 1 to 10000");
      }
      this.maxTimeoutThreads = maxTimeoutThreads;
    }

    public int getMaxTimeoutThreadsPerService() {
      return maxTimeoutThreadsPerService;
    }

    /** Sets the most threads one service's calls under a timeout rule may hold; 1 to 10000. */
    public void setMaxTimeoutThreadsPerService(int maxTimeoutThreadsPerService) {
      if (maxTimeoutThreadsPerService < 1 || maxTimeoutThreadsPerService > 10_000) {
        throw new IllegalArgumentException("mse.loadbalancer.max-timeout-threads-per-service "
            + maxTimeoutThreadsPerService + " is invalid: it must be 1 to 10000");
      }
      this.maxTimeoutThreadsPerService = maxTimeoutThreadsPerService;
    }

    @Override
    public String toString() {
      return "LoadBalancer[enabled=" + enabled + ", resourceNaming=" + resourceNaming + ", retryNonIdempotent="
          + retryNonIdempotent + ", maxTimeoutThreads=" + maxTimeoutThreads + ", maxTimeoutThreadsPerService="
          + maxTimeoutThreadsPerService + "]";
    }
  }

  /** The {@code mse.tag-propagation.*} properties. */
  public static class TagPropagation {

    /**
     * Whether the tag (gray label) of an inbound request, its x-mse-tag header, is kept while the
     * request is served (servlet Filter, WebFlux WebFilter, @Async tasks, Reactor context) and
     * carried to the calls made meanwhile through the governed clients.
     */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    @Override
    public String toString() {
      return "TagPropagation[enabled=" + enabled + "]";
    }
  }
}
