package io.mse.client.zookeeper.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A parsed {@code zookeeper://host:port[,host:port...][/chroot]} address. Immutable and thread-safe.
 *
 * @param connectString the ZooKeeper connect string, {@code host:port[,host:port...]}, ports always present
 * @param chroot the chroot without its leading slash ({@code "a/b"}), or {@code null} when there is none
 */
public record ZooKeeperAddress(String connectString, String chroot) {

  /** The scheme that selects the ZooKeeper engine. */
  public static final String SCHEME = "zookeeper://";
  /** The port used when a host names none. */
  public static final int DEFAULT_PORT = 2181;
  /** The accepted form, for error messages. */
  public static final String FORM = "zookeeper://host:port[,host:port...][/chroot]";

  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._\\-]+");
  private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.%a-zA-Z0-9]+]");
  private static final Pattern CHROOT_SEGMENT = Pattern.compile("[A-Za-z0-9._\\-:]+");

  /** Returns true when {@code serverAddr} starts with {@value #SCHEME}, in any letter case. */
  public static boolean hasScheme(String serverAddr) {
    return serverAddr != null && serverAddr.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
  }

  /**
   * Parses an address. A host without a port gets {@value #DEFAULT_PORT}; IPv6 hosts are written in
   * brackets ({@code [::1]:2181}). The chroot is made of letters, digits and {@code . _ - :} segments.
   *
   * @throws IllegalArgumentException when the address breaks the form; the message quotes it and states the rule
   */
  public static ZooKeeperAddress parse(String serverAddr) {
    if (!hasScheme(serverAddr)) {
      throw invalid(serverAddr, "it must start with '" + SCHEME + "'");
    }
    String rest = serverAddr.substring(SCHEME.length()).strip();
    if (rest.isEmpty()) {
      throw invalid(serverAddr, "it names no host");
    }
    if (rest.chars().anyMatch(c -> c == '?' || c == '@' || c == '#' || Character.isWhitespace(c))) {
      throw invalid(serverAddr, "query strings, user info, fragments and spaces are not supported");
    }
    int slash = rest.indexOf('/');
    String hosts = slash < 0 ? rest : rest.substring(0, slash);
    String chroot = slash < 0 ? null : chroot(serverAddr, rest.substring(slash));
    List<String> parts = new ArrayList<>();
    for (String hostPort : hosts.split(",", -1)) {
      parts.add(hostPort(serverAddr, hostPort.strip()));
    }
    return new ZooKeeperAddress(String.join(",", parts), chroot);
  }

  private static String hostPort(String serverAddr, String hostPort) {
    if (hostPort.isEmpty()) {
      throw invalid(serverAddr, "it has an empty 'host:port' entry");
    }
    String host;
    String port;
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      if (close < 0) {
        throw invalid(serverAddr, "IPv6 host '" + hostPort + "' lacks its closing ']'");
      }
      host = hostPort.substring(0, close + 1);
      String after = hostPort.substring(close + 1);
      if (!after.isEmpty() && !after.startsWith(":")) {
        throw invalid(serverAddr, "'" + hostPort + "' must be [ipv6]:port");
      }
      port = after.isEmpty() ? null : after.substring(1);
      if (!IPV6.matcher(host).matches()) {
        throw invalid(serverAddr, "'" + host + "' is not an IPv6 address");
      }
    } else {
      int colon = hostPort.lastIndexOf(':');
      host = colon < 0 ? hostPort : hostPort.substring(0, colon);
      port = colon < 0 ? null : hostPort.substring(colon + 1);
      if (host.isEmpty()) {
        throw invalid(serverAddr, "'" + hostPort + "' needs a host before the port");
      }
      if (!HOST.matcher(host).matches()) {
        throw invalid(serverAddr, "host '" + host + "' may contain only letters, digits, '.', '_' and '-'");
      }
    }
    return host + ":" + port(serverAddr, port);
  }

  private static int port(String serverAddr, String port) {
    if (port == null) {
      return DEFAULT_PORT;
    }
    int value;
    try {
      value = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw invalid(serverAddr, "port '" + port + "' is not a number from 1 to 65535");
    }
    if (value < 1 || value > 65535) {
      throw invalid(serverAddr, "port " + value + " is out of range: a port is 1 to 65535");
    }
    return value;
  }

  private static String chroot(String serverAddr, String path) {
    String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    if (trimmed.isEmpty()) {
      return null;
    }
    String[] segments = trimmed.substring(1).split("/", -1);
    for (String segment : segments) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")
          || !CHROOT_SEGMENT.matcher(segment).matches()) {
        throw invalid(serverAddr, "chroot '" + path + "' must be '/'-separated non-empty segments of letters,"
            + " digits, '.', '_', '-', ':' (not '.' or '..')");
      }
    }
    if (segments[0].toLowerCase(Locale.ROOT).equals("zookeeper")) {
      throw invalid(serverAddr, "chroot '" + path + "' must not be inside '/zookeeper', which ZooKeeper reserves");
    }
    return String.join("/", segments);
  }

  private static IllegalArgumentException invalid(String serverAddr, String rule) {
    return new IllegalArgumentException("serverAddr '" + serverAddr + "' is invalid: " + rule + "; the form is " + FORM);
  }
}
