package io.mse.client.spi;

import java.util.regex.Pattern;

/**
 * One server endpoint of an engine address, {@code host:port}, parsed by the one rule every engine
 * applies: a host name or IPv4 address of letters, digits, {@code . _ -}, or an IPv6 address in
 * brackets ({@code [::1]:2181}); a port from 1 to 65535, the engine's default when none is written.
 * Its {@link #toString()} ({@code host:port}, the port always present) is the endpoint's key.
 * Immutable and thread-safe.
 *
 * @param host the host as written (an IPv6 address with its brackets); non-blank
 * @param port 1 to 65535
 */
public record HostPort(String host, int port) {

  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._\\-]+");
  private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.%a-zA-Z0-9]+]");

  /**
   * Parses {@code host[:port]}.
   *
   * @param hostPort the endpoint, without scheme or path; not empty
   * @param defaultPort the port when none is written
   * @throws IllegalArgumentException stating the rule broken, quoting the part that broke it (the
   *     caller adds the whole address)
   */
  public static HostPort parse(String hostPort, int defaultPort) {
    String host;
    String port;
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("IPv6 host '" + hostPort + "' lacks its closing ']'");
      }
      host = hostPort.substring(0, close + 1);
      String after = hostPort.substring(close + 1);
      if (!after.isEmpty() && !after.startsWith(":")) {
        throw new IllegalArgumentException("'" + hostPort + "' must be [ipv6]:port");
      }
      port = after.isEmpty() ? null : after.substring(1);
      if (!IPV6.matcher(host).matches()) {
        throw new IllegalArgumentException("'" + host + "' is not an IPv6 address");
      }
    } else {
      int colon = hostPort.lastIndexOf(':');
      host = colon < 0 ? hostPort : hostPort.substring(0, colon);
      port = colon < 0 ? null : hostPort.substring(colon + 1);
      if (host.isEmpty()) {
        throw new IllegalArgumentException("'" + hostPort + "' needs a host before the port");
      }
      if (!HOST.matcher(host).matches()) {
        throw new IllegalArgumentException("host '" + host + "' may contain only letters, digits, '.', '_' and '-'");
      }
    }
    return new HostPort(host, port == null ? defaultPort : port(port));
  }

  private static int port(String port) {
    int value;
    try {
      value = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port '" + port + "' is not a number from 1 to 65535");
    }
    if (value < 1 || value > 65535) {
      throw new IllegalArgumentException("port " + value + " is out of range: a port is 1 to 65535");
    }
    return value;
  }

  /** Returns {@code host:port}, the endpoint's key. */
  @Override
  public String toString() {
    return host + ":" + port;
  }
}
