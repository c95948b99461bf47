package io.mse.client.nacos.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mse.client.AuthenticationException;
import io.mse.client.MseException;
import io.mse.client.nacos.NacosNamespace;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The namespace admin API of Nacos ({@code {ctx}/v1/console/namespaces}): list ({@code GET}, JSON
 * {@code {"code":200,"data":[{"namespace":"dev-ns","namespaceShowName":"dev",...}]}}), create
 * ({@code POST}, form {@code customNamespaceId}, {@code namespaceName}, {@code namespaceDesc};
 * answers {@code true}) and delete ({@code DELETE ?namespaceId=}; answers {@code true}). Stateless
 * and thread-safe.
 */
public final class NacosNamespaces {

  static final String PATH = "/v1/console/namespaces";
  private static final ObjectMapper JSON = new ObjectMapper();

  private NacosNamespaces() {}

  /**
   * Lists the namespaces the server shows this client (without a token, an auth-enabled server
   * shows only the public one).
   *
   * @throws AuthenticationException on a 403
   * @throws MseException on another refusal or an unreadable answer
   * @throws io.mse.client.ServerUnavailableException when no server answered
   */
  public static List<NacosNamespace> list(NacosTransport transport, Duration timeout) {
    NacosResponse response = transport.send(NacosRequest.get(PATH, Map.of(), timeout, "namespaces"));
    check(response, "list the namespaces");
    try {
      JsonNode data = JSON.readTree(response.body()).path("data");
      List<NacosNamespace> namespaces = new ArrayList<>();
      for (JsonNode item : data) {
        namespaces.add(new NacosNamespace(item.path("namespace").asText(""),
            item.path("namespaceShowName").asText(""), item.path("namespaceDesc").asText(""),
            item.path("configCount").asInt(0)));
      }
      return List.copyOf(namespaces);
    } catch (IOException e) {
      throw new MseException("namespaces", "Nacos answered the namespace list with no JSON: "
          + abbreviate(response.body()));
    }
  }

  /**
   * Creates a namespace.
   *
   * @return true when the server created it
   */
  public static boolean create(NacosTransport transport, Duration timeout, String id, String name,
      String description) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("customNamespaceId", id);
    form.put("namespaceName", name);
    form.put("namespaceDesc", description == null ? "" : description);
    NacosResponse response = transport.send(NacosRequest.post(PATH, form, timeout, "namespace " + id));
    check(response, "create the namespace '" + id + "'");
    return response.body().strip().equals("true");
  }

  /**
   * Deletes a namespace; deleting an unknown one is not an error.
   *
   * @return true when the server accepted
   */
  public static boolean delete(NacosTransport transport, Duration timeout, String id) {
    NacosResponse response = transport.send(NacosRequest.delete(PATH, Map.of("namespaceId", id), timeout,
        "namespace " + id));
    check(response, "delete the namespace '" + id + "'");
    return response.body().strip().equals("true");
  }

  private static void check(NacosResponse response, String what) {
    if (response.status() == 403 || response.status() == 401) {
      throw new AuthenticationException(response.server(), "Nacos " + response.server() + " refused to " + what
          + " (" + response.status() + " " + abbreviate(response.body()) + "): the user needs admin rights"
          + " (or the client credentials)");
    }
    if (!response.ok()) {
      throw new MseException(response.server(), "Nacos " + response.server() + " could not " + what + ": "
          + response.status() + " " + abbreviate(response.body()));
    }
  }

  static String abbreviate(String body) {
    String oneLine = body.replace('\n', ' ').strip();
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
  }
}
