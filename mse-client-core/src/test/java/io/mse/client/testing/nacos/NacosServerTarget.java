package io.mse.client.testing.nacos;

import io.mse.client.MseClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One real Nacos server a conformance test runs against: its version line, loopback address and,
 * for an auth-enabled server, the administrator's credentials.
 *
 * @param version the server's version ({@code 2.5.1}, {@code 3.0.3}) or {@code external} for a server
 *     given by {@code MSE_IT_NACOS_ADDR} whose version is not stated
 * @param address {@code host:port} (or any address form {@code MseClient.Builder.serverAddr} takes)
 * @param username administrator's username, or {@code null} when auth is off
 * @param password administrator's password, or {@code null} when auth is off
 */
public record NacosServerTarget(String version, String address, String username, String password) {

  public NacosServerTarget {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(address, "address");
    if (username != null && username.isBlank()) {
      username = null;
    }
    if (username == null) {
      password = null;
    } else if (password == null) {
      password = "";
    }
  }

  /** Whether the server has authentication on (the target carries credentials). */
  public boolean auth() {
    return username != null;
  }

  /** Whether the server is of the 3.x line ({@code false} for an external server of unknown version). */
  public boolean line3() {
    return version.startsWith("3.");
  }

  /** A client builder for this server: address, credentials, the snapshot directory and a 5 s request timeout. */
  public MseClient.Builder clientBuilder(Path snapshotDir) {
    MseClient.Builder builder = MseClient.builder().serverAddr(address).snapshotDir(snapshotDir)
        .requestTimeout(Duration.ofSeconds(5));
    if (auth()) {
      builder.credentials(username, password);
    }
    String clientIp = System.getenv("MSE_IT_NACOS_CLIENT_IP");
    if (clientIp != null && !clientIp.isBlank()) {
      builder.property("nacos.clientIp", clientIp);
    }
    return builder;
  }

  /** The base URL of the server's HTTP API, {@code http://host:port/nacos}. */
  public String baseUrl() {
    String a = address.replaceFirst("^nacos://", "");
    if (a.startsWith("http://") || a.startsWith("https://")) {
      return a.contains("/nacos") ? a : a + "/nacos";
    }
    return "http://" + a.split(",")[0] + "/nacos";
  }

  /** As shown in test reports: {@code Nacos 2.5.1 at 127.0.0.1:18848, auth}. */
  @Override
  public String toString() {
    return "Nacos " + version + " at " + address + (auth() ? ", auth" : ", no auth");
  }
}
