package io.mse.bench.sca;

import io.mse.client.MseClient;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real Nacos server of the comparison: {@code host:port} of its HTTP API (its gRPC port, which
 * nacos-client 2.x/3.x uses, is that port + 1000), credentials when auth is on.
 *
 * @param version as reported ({@code 2.5.1})
 * @param host the host, e.g. {@code 127.0.0.1}
 * @param port the HTTP port
 * @param username the user, or null when auth is off
 * @param password the user's password, or null
 */
record NacosServer(String version, String host, int port, String username, String password) {

  /** Parses {@code version,host:port[,user,password]}. */
  static NacosServer parse(String spec) {
    String[] parts = spec.split(",");
    if (parts.length != 2 && parts.length != 4) {
      throw new IllegalArgumentException("server '" + spec + "' is invalid: version,host:port[,user,password]");
    }
    String[] hostPort = parts[1].split(":");
    return new NacosServer(parts[0], hostPort[0], Integer.parseInt(hostPort[1]), parts.length == 4 ? parts[2] : null,
        parts.length == 4 ? parts[3] : null);
  }

  String address() {
    return host + ":" + port;
  }

  boolean auth() {
    return username != null;
  }

  /** The same server seen through a proxy on {@code proxyPort} (gRPC on {@code proxyPort + 1000}). */
  NacosServer through(int proxyPort) {
    return new NacosServer(version, "127.0.0.1", proxyPort, username, password);
  }

  MseClient client(Path snapshots) {
    MseClient.Builder builder = MseClient.builder().serverAddr(address()).snapshotDir(snapshots)
        .requestTimeout(Duration.ofSeconds(5));
    if (auth()) {
      builder.credentials(username, password);
    }
    return builder.build();
  }

  @Override
  public String toString() {
    return "Nacos " + version + " at " + address() + (auth() ? " (auth)" : "");
  }
}
