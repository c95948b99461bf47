package io.mse.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The settings of an {@link MseClient}, made by {@link MseClient#builder()}. Immutable and
 * thread-safe; {@link #toString()} masks the password.
 *
 * @param serverAddr which engine and where: {@code host:port[,host:port]} or {@code nacos://...}
 *     (Nacos), {@code https://...} (Nacos over TLS), {@code zookeeper://host:port[,...]}, or
 *     {@code embedded} (an in-process ZooKeeper server; the default)
 * @param namespace the namespace id, "" for the public namespace
 * @param username login name for an auth-enabled server; null when none
 * @param password its password; null when none. Never logged.
 * @param snapshotDir the directory for snapshots (last known good configs and instance lists)
 * @param embeddedDataDir the data directory of the embedded server; null for a fresh temporary one
 *     deleted on close
 * @param requestTimeout the longest wait for one server request, end to end
 * @param pushEmptyProtection whether an empty instance list that may come from a server fault is
 *     ignored when it would replace a non-empty one
 * @param applicationName the name of the application using the client; null when not set
 * @param ticker the time source for every elapsed-time decision
 * @param properties engine-specific settings ({@code nacos.contextPath}...), unmodifiable
 */
public record MseClientConfig(String serverAddr, String namespace, String username, String password,
    Path snapshotDir, Path embeddedDataDir, Duration requestTimeout, boolean pushEmptyProtection,
    String applicationName, Ticker ticker, Map<String, String> properties) {

  /** The address of the in-process ZooKeeper server, the default. */
  public static final String EMBEDDED = "embedded";

  /**
   * Checks and normalizes the components, as described above.
   *
   * @throws IllegalArgumentException when a value breaks its rule (blank address or username, null
   *     password with a username, null directory, ticker or properties, non-positive timeout, invalid
   *     application name); the message names the value
   */
  public MseClientConfig {
    if (serverAddr == null || serverAddr.isBlank()) {
      throw new IllegalArgumentException("serverAddr '" + serverAddr + "' is invalid: it must not be blank");
    }
    serverAddr = serverAddr.strip();
    namespace = NameRules.namespace(namespace);
    if (username != null && username.isBlank()) {
      throw new IllegalArgumentException("username '" + username + "' is invalid: it must not be blank");
    }
    if (username != null && password == null) {
      throw new IllegalArgumentException("the password of user '" + username + "' is null");
    }
    if (snapshotDir == null) {
      throw new IllegalArgumentException("snapshotDir is null: give a directory for snapshots");
    }
    if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout " + requestTimeout + " is invalid: it must be positive");
    }
    if (applicationName != null) {
      NameRules.dataId(applicationName);
    }
    if (ticker == null) {
      throw new IllegalArgumentException("ticker is null: use Ticker.system()");
    }
    if (properties == null) {
      throw new IllegalArgumentException("properties is null: give an empty map for none");
    }
    properties.forEach((key, value) -> {
      if (key == null || key.isBlank() || value == null) {
        throw new IllegalArgumentException("property '" + key + "' is invalid: keys are non-blank, values non-null");
      }
    });
    properties = Map.copyOf(properties);
  }

  /** Returns an engine-specific setting, or {@code defaultValue} when it is not set. */
  public String property(String key, String defaultValue) {
    return properties.getOrDefault(key, defaultValue);
  }

  @Override
  public String toString() {
    return "MseClientConfig[serverAddr=" + serverAddr + ", namespace=" + namespace + ", username=" + username
        + ", password=" + (password == null ? "null" : "******") + ", snapshotDir=" + snapshotDir
        + ", embeddedDataDir=" + embeddedDataDir + ", requestTimeout=" + requestTimeout
        + ", pushEmptyProtection=" + pushEmptyProtection + ", applicationName=" + applicationName
        + ", properties=" + masked(properties) + "]";
  }

  private static String masked(Map<String, String> properties) {
    StringBuilder out = new StringBuilder("{");
    properties.forEach((key, value) -> {
      if (out.length() > 1) {
        out.append(", ");
      }
      String lower = key.toLowerCase(java.util.Locale.ROOT);
      boolean secret = lower.contains("password") || lower.contains("secret") || lower.contains("token")
          || lower.contains("accesskey");
      out.append(key).append('=').append(secret ? "******" : value);
    });
    return out.append('}').toString();
  }
}
