package io.mse.client.spring;

import java.nio.file.Path;
import java.time.Duration;
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

  /** Discovery settings. */
  private final Discovery discovery = new Discovery();

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
        + ", applicationName=" + applicationName + ", discovery=" + discovery + ", loadbalancer=" + loadbalancer
        + ", tagPropagation=" + tagPropagation + "]";
  }

  /** The {@code mse.discovery.*} properties. */
  public static class Discovery {

    /**
     * Whether a Spring Cloud DiscoveryClient is served from mse-client's registry.
     */
    private boolean enabled = true;

    /**
     * The group whose services the DiscoveryClient lists and resolves.
     */
    private String group = "DEFAULT_GROUP";

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

    @Override
    public String toString() {
      return "Discovery[enabled=" + enabled + ", group=" + group + "]";
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

    @Override
    public String toString() {
      return "LoadBalancer[enabled=" + enabled + ", resourceNaming=" + resourceNaming + ", retryNonIdempotent="
          + retryNonIdempotent + "]";
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
