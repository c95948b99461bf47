package io.mse.client.nacos.internal;

import io.mse.client.MseClientConfig;
import java.time.Duration;

/**
 * The naming engine's settings, read from the client's engine properties. Immutable.
 *
 * @param pushEnabled {@code nacos.pushEnabled} (default true): listen for UDP pushes and pass
 *     {@code udpPort}/{@code clientIP} on list requests
 * @param udpPort {@code nacos.udpPort} (default 0, any free port): the local UDP port pushes arrive on
 * @param clientIp {@code nacos.clientIp}: the address the server pushes to; null (default) for the
 *     local address that reaches the first server
 * @param requestTimeout the deadline of one request, the client's request timeout
 * @param servicePageSize services asked per page when listing services (at least 1; 500 by default)
 * @param pushSources {@code nacos.pushSources}: the hosts (names or addresses) whose UDP pushes are
 *     accepted besides the servers of the address, e.g. the nodes behind a virtual IP; {@code *} for any
 *     host; empty (default) for the servers of the address only. Unmodifiable.
 */
record NamingSettings(boolean pushEnabled, int udpPort, String clientIp, Duration requestTimeout,
    int servicePageSize, java.util.List<String> pushSources) {

  static final String PUSH_ENABLED = "nacos.pushEnabled";
  static final String PUSH_SOURCES = "nacos.pushSources";
  static final String UDP_PORT = "nacos.udpPort";
  static final String CLIENT_IP = "nacos.clientIp";
  static final int DEFAULT_SERVICE_PAGE_SIZE = 500;

  NamingSettings {
    if (udpPort < 0 || udpPort > 65535) {
      throw new IllegalArgumentException(UDP_PORT + " " + udpPort + " is invalid: a UDP port is 0 (any) to 65535");
    }
    if (servicePageSize < 1) {
      throw new IllegalArgumentException("servicePageSize " + servicePageSize + " is invalid: at least 1");
    }
    pushSources = java.util.List.copyOf(pushSources);
  }

  /**
   * Reads the settings of a client.
   *
   * @throws IllegalArgumentException naming the property when a value is malformed
   */
  static NamingSettings of(MseClientConfig config) {
    String push = config.property(PUSH_ENABLED, "true").strip();
    if (!push.equalsIgnoreCase("true") && !push.equalsIgnoreCase("false")) {
      throw new IllegalArgumentException(PUSH_ENABLED + " '" + push + "' is invalid: true or false");
    }
    String portText = config.property(UDP_PORT, "0").strip();
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(UDP_PORT + " '" + portText + "' is invalid: a UDP port is 0 (any) to 65535");
    }
    String clientIp = config.property(CLIENT_IP, null);
    if (clientIp != null) {
      clientIp = clientIp.isBlank() ? null : io.mse.client.NameRules.ip(clientIp.strip());
    }
    java.util.List<String> sources = new java.util.ArrayList<>();
    for (String source : config.property(PUSH_SOURCES, "").split(",")) {
      String host = source.strip();
      if (host.isEmpty()) {
        continue;
      }
      if (!host.equals("*") && !host.matches("[A-Za-z0-9.:\\[\\]%_-]{1,255}")) {
        throw new IllegalArgumentException(PUSH_SOURCES + " entry '" + host + "' is invalid: host names or"
            + " addresses separated by commas, or * for any host");
      }
      sources.add(host);
    }
    return new NamingSettings(Boolean.parseBoolean(push), port, clientIp, config.requestTimeout(),
        DEFAULT_SERVICE_PAGE_SIZE, sources);
  }

  /** Returns a copy with another service page size (tests). */
  NamingSettings withServicePageSize(int pageSize) {
    return new NamingSettings(pushEnabled, udpPort, clientIp, requestTimeout, pageSize, pushSources);
  }
}
