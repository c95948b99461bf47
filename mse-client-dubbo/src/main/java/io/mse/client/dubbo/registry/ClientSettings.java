package io.mse.client.dubbo.registry;

import io.mse.client.MseClient;
import io.mse.client.MseClientConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.dubbo.common.URL;

/**
 * Reads the settings of an {@link MseClient} from a Dubbo {@code mse://} URL: the registry address, and
 * the config-center and metadata-report addresses Dubbo derives from it or that are given apart.
 *
 * <p>The address selects the engine:
 * <table>
 *   <caption>address forms</caption>
 *   <tr><th>address</th><th>engine</th></tr>
 *   <tr><td>{@code mse://host:8848[,host2:8848]}</td><td>Nacos over its HTTP open API (Dubbo passes the
 *       hosts after the first in its {@code backup} parameter; all are used)</td></tr>
 *   <tr><td>{@code mse://embedded}</td><td>the in-process ZooKeeper server shared by the clients of
 *       this JVM (the port Dubbo adds, 9090 by default, is ignored)</td></tr>
 *   <tr><td>{@code mse://host:2181[,host2:2181]?engine=zookeeper}</td><td>a ZooKeeper ensemble</td></tr>
 * </table>
 * ({@code mse://zookeeper://...} is not accepted: Dubbo's URL parser cannot read an address inside an
 * address, hence the {@code engine} parameter.) {@code mse://embedded} and {@code engine=zookeeper}
 * need {@code io.mse:mse-client-zookeeper} on the class path.
 *
 * <p>Parameters, with the names of Dubbo's own Nacos extensions where they have one:
 * <ul>
 *   <li>{@code namespace}: the namespace id (default: public);</li>
 *   <li>{@code username} and {@code password}, or the address's user info
 *       ({@code mse://user:secret@host:8848}), which wins: credentials of an auth-enabled Nacos server;</li>
 *   <li>{@code contextPath}: the Nacos server's context path (default {@code /nacos});</li>
 *   <li>{@code engine}: {@code nacos} (default) or {@code zookeeper};</li>
 *   <li>{@code mse.snapshot-dir}, {@code mse.embedded-data-dir}: directories (default
 *       {@code ~/.mse-client/snapshot}; a temporary one);</li>
 *   <li>{@code mse.request-timeout-millis}: the longest wait for one server request (default 3000);</li>
 *   <li>{@code mse.push-empty-protection}: {@code true} (default) or {@code false}, the client's own
 *       protection against an empty list that may come from a server fault;</li>
 *   <li>{@code mse.property.<key>}: the engine setting {@code <key>}, e.g.
 *       {@code mse.property.nacos.clientIp=10.0.0.5}.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class ClientSettings {

  /** The URL parameter naming the engine: {@value}. */
  public static final String ENGINE = "engine";
  /** The host that selects the in-process server: {@value}. */
  public static final String EMBEDDED_HOST = MseClientConfig.EMBEDDED;
  /** The URL parameter of the snapshot directory: {@value}. */
  public static final String SNAPSHOT_DIR = "mse.snapshot-dir";
  /** The URL parameter of the embedded server's data directory: {@value}. */
  public static final String EMBEDDED_DATA_DIR = "mse.embedded-data-dir";
  /** The URL parameter of the request timeout in milliseconds: {@value}. */
  public static final String REQUEST_TIMEOUT_MILLIS = "mse.request-timeout-millis";
  /** The URL parameter of the client's push-empty protection: {@value}. */
  public static final String PUSH_EMPTY_PROTECTION = "mse.push-empty-protection";
  /** The prefix of URL parameters passed to the engine as properties: {@value}. */
  public static final String PROPERTY_PREFIX = "mse.property.";

  private ClientSettings() {}

  /**
   * Returns the client settings of a Dubbo URL.
   *
   * @param url an {@code mse://} URL (the scheme itself is not checked: Dubbo chose this extension by it)
   * @param namespace the namespace id to use ("" or null for public), as the caller reads it from
   *     the URL (the config center maps Dubbo's default {@code dubbo} to public)
   * @throws IllegalArgumentException when a parameter is malformed (the message names it and the rule),
   *     or the address has no host
   */
  public static MseClientConfig of(URL url, String namespace) {
    MseClient.Builder builder = MseClient.builder().serverAddr(serverAddr(url)).namespace(namespace);
    String username = firstNonEmpty(url.getUsername(), url.getParameter("username"));
    if (username != null) {
      String password = firstNonEmpty(url.getPassword(), url.getParameter("password"));
      builder.credentials(username, password == null ? "" : password);
    }
    String snapshotDir = url.getParameter(SNAPSHOT_DIR);
    if (snapshotDir != null && !snapshotDir.isBlank()) {
      builder.snapshotDir(Path.of(snapshotDir));
    }
    String dataDir = url.getParameter(EMBEDDED_DATA_DIR);
    if (dataDir != null && !dataDir.isBlank()) {
      builder.embeddedDataDir(Path.of(dataDir));
    }
    String timeout = url.getParameter(REQUEST_TIMEOUT_MILLIS);
    if (timeout != null) {
      builder.requestTimeout(Duration.ofMillis(positiveLong(REQUEST_TIMEOUT_MILLIS, timeout)));
    }
    String protection = url.getParameter(PUSH_EMPTY_PROTECTION);
    if (protection != null) {
      builder.pushEmptyProtection(bool(PUSH_EMPTY_PROTECTION, protection));
    }
    String contextPath = url.getParameter("contextPath");
    if (contextPath != null && !contextPath.isBlank()) {
      builder.property("nacos.contextPath", contextPath);
    }
    for (Map.Entry<String, String> parameter : url.getParameters().entrySet()) {
      if (parameter.getKey().startsWith(PROPERTY_PREFIX) && parameter.getKey().length() > PROPERTY_PREFIX.length()) {
        builder.property(parameter.getKey().substring(PROPERTY_PREFIX.length()), parameter.getValue());
      }
    }
    return builder.toConfig();
  }

  /** Returns the client settings of a Dubbo URL in the namespace of its {@code namespace} parameter. */
  public static MseClientConfig of(URL url) {
    return of(url, url.getParameter("namespace"));
  }

  /**
   * Returns the mse-client server address of a Dubbo URL: {@code embedded}, {@code zookeeper://hosts}
   * or the Nacos {@code hosts}.
   *
   * @throws IllegalArgumentException when the {@code engine} parameter is unknown or the host is missing
   */
  static String serverAddr(URL url) {
    String host = url.getHost();
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("the address '" + url.getAddress() + "' has no host: give mse://host:port,"
          + " mse://embedded or mse://host:port?engine=zookeeper");
    }
    String engine = url.getParameter(ENGINE, "nacos").strip().toLowerCase(Locale.ROOT);
    if (EMBEDDED_HOST.equalsIgnoreCase(host)) {
      return MseClientConfig.EMBEDDED;
    }
    List<String> hosts = new ArrayList<>();
    hosts.add(url.getPort() > 0 ? host + ":" + url.getPort() : host);
    String backup = url.getParameter("backup");
    if (backup != null && !backup.isBlank()) {
      for (String other : backup.split(",")) {
        if (!other.isBlank()) {
          hosts.add(other.strip());
        }
      }
    }
    String joined = String.join(",", hosts);
    switch (engine) {
      case "nacos":
        return joined;
      case "zookeeper":
        return "zookeeper://" + joined;
      default:
        throw new IllegalArgumentException("parameter " + ENGINE + "='" + engine + "' is invalid: it is 'nacos'"
            + " (the default) or 'zookeeper'; the embedded server is mse://embedded");
    }
  }

  private static String firstNonEmpty(String first, String second) {
    if (first != null && !first.isEmpty()) {
      return first;
    }
    return second == null || second.isEmpty() ? null : second;
  }

  private static long positiveLong(String name, String value) {
    try {
      long parsed = Long.parseLong(value.strip());
      if (parsed > 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("parameter " + name + "='" + value + "' is invalid: it is a positive whole"
        + " number of milliseconds");
  }

  static boolean bool(String name, String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    if (v.equals("true") || v.equals("false")) {
      return Boolean.parseBoolean(v);
    }
    throw new IllegalArgumentException("parameter " + name + "='" + value + "' is invalid: it is true or false");
  }
}
