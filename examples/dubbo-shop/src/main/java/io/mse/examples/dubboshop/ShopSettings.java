package io.mse.examples.dubboshop;

import io.mse.client.MseClient;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the shop runs: the server ({@code embedded}, or {@code host:port[,host:port]} of a Nacos
 * server), the credentials of a server with auth on and a namespace id. {@link #toString()} masks the
 * password.
 *
 * @param serverAddr the server, not blank
 * @param username the user to log in as; null for a server with auth off
 * @param password the password of {@code username}; "" when none
 * @param namespace the namespace id; null for the public namespace
 */
record ShopSettings(String serverAddr, String username, String password, String namespace) {

  ShopSettings {
    if (serverAddr == null || serverAddr.isBlank()) {
      throw new IllegalArgumentException("serverAddr '" + serverAddr + "' is invalid: give 'embedded' or host:port");
    }
    username = blankToNull(username);
    password = password == null ? "" : password;
    namespace = blankToNull(namespace);
  }

  /**
   * Reads {@code MSE_SERVER_ADDR} (default {@code embedded}), {@code MSE_USERNAME}, {@code MSE_PASSWORD} and
   * {@code MSE_NAMESPACE} from {@code env}.
   *
   * @throws IllegalArgumentException when {@code MSE_SERVER_ADDR} is blank
   */
  static ShopSettings fromEnvironment(Map<String, String> env) {
    return new ShopSettings(env.getOrDefault("MSE_SERVER_ADDR", "embedded"), env.get("MSE_USERNAME"),
        env.get("MSE_PASSWORD"), env.get("MSE_NAMESPACE"));
  }

  /** A client of the same server, credentials and namespace (the operator's, the demo's checks'). */
  MseClient.Builder client(Path snapshots) {
    MseClient.Builder builder = MseClient.builder().serverAddr(serverAddr).snapshotDir(snapshots);
    if (username != null) {
      builder.credentials(username, password);
    }
    if (namespace != null) {
      builder.namespace(namespace);
    }
    return builder;
  }

  /** How the demo names where it runs: server, user and namespace, never the password. */
  String describe() {
    return "'mse://" + serverAddr + "'" + (username == null ? "" : " as '" + username + "'")
        + (namespace == null ? "" : " in namespace '" + namespace + "'");
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  @Override
  public String toString() {
    return "ShopSettings[serverAddr=" + serverAddr + ", username=" + username + ", password="
        + (password.isEmpty() ? "" : "******") + ", namespace=" + namespace + "]";
  }
}
