package io.mse.client.nacos.internal;

import io.mse.client.spi.HostPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A parsed Nacos server address: the servers (scheme, host, port) and the context path.
 *
 * <p>Accepted forms: {@code host:port[,host:port]}, {@code host} (port 8848), {@code nacos://host:port[,...]},
 * {@code http://host:port[,...]}, {@code https://host:port[,...]} (TLS), each optionally followed by a
 * context path ({@code /nacos} by default; the engine property {@code nacos.contextPath} overrides it).
 *
 * @param servers base URLs without context path, e.g. {@code http://10.0.0.1:8848}; at least one
 * @param contextPath starts with '/', no trailing '/', e.g. {@code /nacos}; "" for the root
 */
public record NacosAddress(List<String> servers, String contextPath) {

  public static final int DEFAULT_PORT = 8848;
  public static final String DEFAULT_CONTEXT_PATH = "/nacos";

  public NacosAddress {
    servers = List.copyOf(servers);
  }

  /** Returns whether {@code serverAddr} looks like a Nacos address (no other engine's scheme). */
  public static boolean looksLikeNacos(String serverAddr) {
    String lower = serverAddr.toLowerCase(Locale.ROOT);
    if (lower.startsWith("nacos://") || lower.startsWith("http://") || lower.startsWith("https://")) {
      return true;
    }
    return !lower.contains("://") && !lower.equals("embedded");
  }

  /**
   * Parses an address.
   *
   * @param contextPathOverride the {@code nacos.contextPath} property, or null
   * @throws IllegalArgumentException naming the address and the rule it broke
   */
  public static NacosAddress parse(String serverAddr, String contextPathOverride) {
    String rest = serverAddr.strip();
    String scheme = "http";
    int schemeEnd = rest.indexOf("://");
    if (schemeEnd >= 0) {
      String given = rest.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
      if (given.equals("https")) {
        scheme = "https";
      } else if (!given.equals("http") && !given.equals("nacos")) {
        throw invalid(serverAddr, "the scheme must be nacos://, http:// or https://");
      }
      rest = rest.substring(schemeEnd + 3);
    }
    String contextPath = DEFAULT_CONTEXT_PATH;
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      contextPath = normalizeContextPath(rest.substring(slash));
      rest = rest.substring(0, slash);
    }
    if (contextPathOverride != null) {
      contextPath = normalizeContextPath(contextPathOverride);
    }
    List<String> servers = new ArrayList<>();
    for (String part : rest.split(",")) {
      String hostPort = part.strip();
      if (hostPort.isEmpty()) {
        throw invalid(serverAddr, "every server is host[:port], none may be empty");
      }
      servers.add(scheme + "://" + hostAndPort(serverAddr, hostPort));
    }
    return new NacosAddress(servers, contextPath);
  }

  private static String hostAndPort(String serverAddr, String hostPort) {
    try {
      return HostPort.parse(hostPort, DEFAULT_PORT).toString();
    } catch (IllegalArgumentException e) {
      throw invalid(serverAddr, e.getMessage());
    }
  }

  private static String normalizeContextPath(String path) {
    String p = path.strip();
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (!p.isEmpty() && !p.startsWith("/")) {
      p = "/" + p;
    }
    return p;
  }

  private static IllegalArgumentException invalid(String serverAddr, String rule) {
    return new IllegalArgumentException("Nacos serverAddr '" + serverAddr + "' is invalid: " + rule
        + " (forms: host:port[,host:port], nacos://, http://, https://, optional /contextPath)");
  }
}
