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

  /** Config import ({@code spring.config.import=mse:...}) settings. */
  private final Config config = new Config();

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

  public Config getConfig() {
    return config;
  }

  @Override
  public String toString() {
    return "MseProperties[enabled=" + enabled + ", serverAddr=" + serverAddr + ", namespace=" + namespace
        + ", username=" + username + ", password=" + (password == null ? "null" : "******")
        + ", snapshotDir=" + snapshotDir + ", requestTimeout=" + requestTimeout
        + ", applicationName=" + applicationName + ", discovery=" + discovery + ", config=" + config + "]";
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
}
