package io.mse.examples.shop;

import io.mse.client.MseClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The server the shop runs against and how to reach it: the address ({@code embedded} by default),
 * optional credentials for a server with auth on, and an optional namespace id. Immutable.
 * {@link #toString()} never shows the password.
 *
 * @param serverAddr the address, as {@code mse.server-addr} takes it ({@code embedded},
 *     {@code 127.0.0.1:8848}...); not blank
 * @param username the user to log in as, or null for a server with auth off
 * @param password the password of {@code username}, "" when none was given; null when no username
 * @param namespace the namespace id, or null for the public namespace
 */
public record ShopServer(String serverAddr, String username, String password, String namespace) {

  public ShopServer {
    if (serverAddr == null || serverAddr.isBlank()) {
      throw new IllegalArgumentException("server address '" + serverAddr + "' is invalid: it must not be blank");
    }
    username = blankToNull(username);
    password = username == null ? null : password == null ? "" : password;
    namespace = blankToNull(namespace);
  }

  /** The embedded engine in this JVM, public namespace. */
  public static ShopServer embedded() {
    return new ShopServer("embedded", null, null, null);
  }

  /**
   * From {@code MSE_SERVER_ADDR} (default {@code embedded}), {@code MSE_USERNAME},
   * {@code MSE_PASSWORD} and {@code MSE_NAMESPACE}, as the quickstart reads them.
   */
  public static ShopServer fromEnvironment(Map<String, String> env) {
    return new ShopServer(env.getOrDefault("MSE_SERVER_ADDR", "embedded"), env.get("MSE_USERNAME"),
        env.get("MSE_PASSWORD"), env.get("MSE_NAMESPACE"));
  }

  /** The {@code --mse.*} command-line arguments that point an application at this server. */
  List<String> applicationArguments() {
    List<String> args = new ArrayList<>(List.of("--mse.server-addr=" + serverAddr));
    if (username != null) {
      args.add("--mse.username=" + username);
      args.add("--mse.password=" + password);
    }
    if (namespace != null) {
      args.add("--mse.namespace=" + namespace);
    }
    return args;
  }

  /** A client of this server for the shop's operator (publishing configs and rules, reading the registry). */
  MseClient.Builder clientBuilder(Path snapshotDir) {
    MseClient.Builder builder = MseClient.builder().serverAddr(serverAddr).snapshotDir(snapshotDir)
        .requestTimeout(Duration.ofSeconds(5));
    if (username != null) {
      builder.credentials(username, password);
    }
    if (namespace != null) {
      builder.namespace(namespace);
    }
    return builder;
  }

  /** {@code 'embedded'}, {@code '127.0.0.1:8848' as 'nacos' in namespace 'dev'}; no password. */
  @Override
  public String toString() {
    return "'" + serverAddr + "'" + (username == null ? "" : " as '" + username + "'")
        + (namespace == null ? "" : " in namespace '" + namespace + "'");
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
