package io.mse.client.nacos;

import io.mse.client.MseClientConfig;
import io.mse.client.NameRules;
import io.mse.client.nacos.internal.NacosEngine;
import io.mse.client.nacos.internal.NacosNamespaces;
import io.mse.client.nacos.internal.NacosTransport;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Administration of a Nacos server, kept apart from the application API of {@code MseClient}:
 * list, create and delete namespaces, on the API of the server's line, detected once on first use:
 * {@code {ctx}/v1/console/namespaces} on Nacos 2.x, {@code {ctx}/v3/admin/core/namespace} on 3.x.
 * Needs a user with admin rights on an auth-enabled 2.x server, and on every 3.x server: 3.x guards
 * its admin API with a login even when its client auth is off.
 *
 * <pre>{@code
 * MseClientConfig settings = MseClient.builder().serverAddr("127.0.0.1:8848")
 *     .credentials("nacos", "nacos").toConfig();
 * try (NacosAdmin admin = NacosAdmin.create(settings)) {
 *   admin.createNamespace("dev-ns", "dev", "development");
 * }
 * }</pre>
 *
 * <p>Uses the same address forms, context path, TLS trust store and credentials as the client
 * settings it is made from; the namespace of those settings is ignored. Holds its own HTTP client;
 * starts no thread. Thread-safe. {@link #toString()} shows no secret.
 */
public final class NacosAdmin implements AutoCloseable {

  private final MseClientConfig settings;
  private final NacosTransport transport;
  private final Duration timeout;

  private NacosAdmin(MseClientConfig settings) {
    this.settings = settings;
    this.transport = NacosEngine.transport(settings);
    this.timeout = settings.requestTimeout();
  }

  /**
   * Makes an admin client from client settings ({@code MseClient.builder()...toConfig()}).
   *
   * @throws IllegalArgumentException when the server address is not a Nacos address or a property is malformed
   */
  public static NacosAdmin create(MseClientConfig settings) {
    Objects.requireNonNull(settings, "settings");
    if (!NacosEngineProvider.supportsAddress(settings.serverAddr())) {
      throw new IllegalArgumentException("serverAddr '" + settings.serverAddr() + "' is not a Nacos address");
    }
    return new NacosAdmin(settings);
  }

  /**
   * Lists the namespaces, the public one (id "", on 3.x too where the server calls it {@code public})
   * first as the server reports it.
   *
   * @return the namespaces; never empty when the server answers
   * @throws io.mse.client.AuthenticationException when the login or the listing is refused
   * @throws io.mse.client.RequestRefusedException when the server refuses the listing for another reason
   * @throws io.mse.client.ServerUnavailableException when no server answered within the request timeout,
   *     or answered something else than a namespace list
   */
  public List<NacosNamespace> listNamespaces() {
    return NacosNamespaces.list(transport, timeout).stream()
        .map(n -> new NacosNamespace(n.id(), n.name(), n.description(), n.configCount())).toList();
  }

  /**
   * Creates a namespace.
   *
   * @param id the namespace id: letters, digits, '_' or '-', at most 64 ({@link io.mse.client.NameRules#MAX_NAMESPACE_LENGTH}); not "public" nor empty
   * @param name the display name; non-blank
   * @param description a description; nullable
   * @return true when the server created it, false when the id exists already
   * @throws IllegalArgumentException when the id or name is invalid
   * @throws io.mse.client.AuthenticationException when the user lacks admin rights
   * @throws io.mse.client.RequestRefusedException when the server refuses otherwise (e.g. a name with
   *     {@code @#$%^&*}), with its reason
   * @throws io.mse.client.ServerUnavailableException when no server answered
   */
  public boolean createNamespace(String id, String name, String description) {
    String checked = NameRules.namespace(id);
    if (checked.isEmpty()) {
      throw new IllegalArgumentException("namespace id '" + id + "' is invalid: the public namespace exists already");
    }
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("namespace name '" + name + "' is invalid: it must not be blank");
    }
    return NacosNamespaces.create(transport, timeout, checked, name, description);
  }

  /**
   * Deletes a namespace (its configs become unreachable); deleting an unknown id is not an error.
   *
   * @param id the namespace id; not the public namespace
   * @return true when the server accepted
   * @throws IllegalArgumentException when the id is invalid or public
   * @throws io.mse.client.AuthenticationException when the user lacks admin rights
   * @throws io.mse.client.RequestRefusedException when the server refuses otherwise, with its reason
   * @throws io.mse.client.ServerUnavailableException when no server answered
   */
  public boolean deleteNamespace(String id) {
    String checked = NameRules.namespace(id);
    if (checked.isEmpty()) {
      throw new IllegalArgumentException("namespace id '" + id + "' is invalid: the public namespace cannot be deleted");
    }
    return NacosNamespaces.delete(transport, timeout, checked);
  }

  /** Releases the HTTP connections. Idempotent. */
  @Override
  public void close() {
    transport.close();
  }

  @Override
  public String toString() {
    return "NacosAdmin[serverAddr=" + settings.serverAddr() + ", username=" + settings.username() + "]";
  }
}
