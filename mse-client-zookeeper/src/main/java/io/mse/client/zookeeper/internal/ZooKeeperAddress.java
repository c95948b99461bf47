package io.mse.client.zookeeper.internal;

import io.mse.client.spi.HostPort;
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
    try {
      return HostPort.parse(hostPort, DEFAULT_PORT).toString();
    } catch (IllegalArgumentException e) {
      throw invalid(serverAddr, e.getMessage());
    }
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
