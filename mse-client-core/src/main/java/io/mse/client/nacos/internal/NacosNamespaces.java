package io.mse.client.nacos.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.mse.client.AuthenticationException;
import io.mse.client.RequestRefusedException;
import io.mse.client.ServerUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The namespace admin API of Nacos, on the line of the server ({@link NacosServerLine}):
 *
 * <ul>
 *   <li>2.x, {@code {ctx}/v1/console/namespaces}: list ({@code GET}, JSON
 *       {@code {"code":200,"data":[{"namespace":"dev-ns","namespaceShowName":"dev",...}]}}, the public
 *       namespace with id ""), create ({@code POST}, form {@code customNamespaceId}, {@code namespaceName},
 *       {@code namespaceDesc}; answers {@code true}, or {@code false} when the id exists) and delete
 *       ({@code DELETE ?namespaceId=}; answers {@code true}). Listing needs no login.
 *   <li>3.x, {@code {ctx}/v3/admin/core/namespace}: list ({@code GET .../list}), create ({@code POST},
 *       form {@code namespaceId}, {@code namespaceName}, {@code namespaceDesc}) and delete
 *       ({@code DELETE ?namespaceId=}), every answer wrapped as {@code {"code":0,"data":...}}; the
 *       public namespace has id {@code public}; an existing id is a 400 with code 22002. Every call
 *       needs a login with admin rights, even on a server whose client auth is off.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class NacosNamespaces {

  static final String PATH = "/v1/console/namespaces";
  static final String PATH_V3 = "/v3/admin/core/namespace";
  /** The 3.x error code of "namespace already exist". */
  static final int ALREADY_EXISTS = 22002;

  private NacosNamespaces() {}

  /**
   * Lists the namespaces the server shows this client (without a token, an auth-enabled 2.x server
   * shows only the public one), the public one with id "" on either line.
   *
   * @throws AuthenticationException when the server refuses the client's identity or rights
   * @throws RequestRefusedException when it refuses otherwise
   * @throws ServerUnavailableException when no server answered, or the answer is not a namespace list
   */
  public static List<NamespaceEntry> list(NacosTransport transport, Duration timeout) {
    boolean v3 = transport.serverLine(timeout) == NacosServerLine.V3;
    NacosResponse response = transport.send(NacosRequest.get(v3 ? PATH_V3 + "/list" : PATH, Map.of(), timeout,
        "namespaces"));
    check(response, "namespaces", "list");
    JsonNode data = v3 ? NacosServerLine.wrappedData(response.body()) : json(response.body()).path("data");
    if (data == null || !data.isArray()) {
      throw new ServerUnavailableException("namespaces", "Nacos " + response.server()
          + " answered the namespace list with something else: " + NacosText.abbreviate(response.body()));
    }
    List<NamespaceEntry> namespaces = new ArrayList<>();
    for (JsonNode item : data) {
      String id = item.path("namespace").asText("");
      namespaces.add(new NamespaceEntry(id.equals("public") ? "" : id, item.path("namespaceShowName").asText(""),
          item.path("namespaceDesc").asText(""), item.path("configCount").asInt(0)));
    }
    return List.copyOf(namespaces);
  }

  /**
   * Creates a namespace.
   *
   * @return true when the server created it, false when the id exists already
   * @throws AuthenticationException when the server refuses the client's identity or rights
   * @throws RequestRefusedException when it refuses otherwise (e.g. a name with a character it rejects)
   * @throws ServerUnavailableException when no server answered
   */
  public static boolean create(NacosTransport transport, Duration timeout, String id, String name,
      String description) {
    boolean v3 = transport.serverLine(timeout) == NacosServerLine.V3;
    Map<String, String> form = new LinkedHashMap<>();
    form.put(v3 ? "namespaceId" : "customNamespaceId", id);
    form.put("namespaceName", name);
    form.put("namespaceDesc", description == null ? "" : description);
    NacosResponse response = transport.send(NacosRequest.post(v3 ? PATH_V3 : PATH, form, timeout, id));
    if (v3 && response.status() == 400 && json(response.body()).path("code").asInt(0) == ALREADY_EXISTS) {
      return false;
    }
    check(response, id, "create the namespace");
    return accepted(v3, response);
  }

  /**
   * Deletes a namespace; deleting an unknown one is not an error.
   *
   * @return true when the server accepted
   * @throws AuthenticationException when the server refuses the client's identity or rights
   * @throws RequestRefusedException when it refuses otherwise
   * @throws ServerUnavailableException when no server answered
   */
  public static boolean delete(NacosTransport transport, Duration timeout, String id) {
    boolean v3 = transport.serverLine(timeout) == NacosServerLine.V3;
    NacosResponse response = transport.send(NacosRequest.delete(v3 ? PATH_V3 : PATH, Map.of("namespaceId", id),
        timeout, id));
    check(response, id, "delete the namespace");
    return accepted(v3, response);
  }

  private static boolean accepted(boolean v3, NacosResponse response) {
    if (v3) {
      JsonNode data = NacosServerLine.wrappedData(response.body());
      return data != null && data.asBoolean(false);
    }
    return response.body().strip().equals("true");
  }

  private static void check(NacosResponse response, String resource, String action) {
    if (response.status() == 403 || response.status() == 401) {
      throw new AuthenticationException(resource, "Nacos " + response.server() + " refused to " + action + " '"
          + resource + "' (" + response.status() + " " + NacosText.abbreviate(NacosServerLine.reason(response.body()))
          + "): it takes the credentials of a user with admin rights (Nacos 3.x asks for them even when"
          + " its client auth is off)");
    }
    if (response.status() >= 400 && response.status() < 500) {
      throw new RequestRefusedException(resource, response.server(), response.status(), action,
          NacosText.abbreviate(NacosServerLine.reason(response.body())));
    }
    if (!response.ok()) {
      throw new ServerUnavailableException(resource, "Nacos " + response.server() + " could not " + action + " '"
          + resource + "': " + response.status() + " " + NacosText.abbreviate(response.body()));
    }
  }

  private static JsonNode json(String body) {
    return NacosJson.readOrMissing(body);
  }
}
