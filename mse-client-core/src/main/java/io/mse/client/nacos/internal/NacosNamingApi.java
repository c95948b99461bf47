package io.mse.client.nacos.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mse.client.AuthenticationException;
import io.mse.client.MseException;
import io.mse.client.RequestRefusedException;
import io.mse.client.ServerUnavailableException;
import io.mse.client.NameRules;
import io.mse.client.naming.Instance;
import io.mse.client.naming.ServiceKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The naming requests of the Nacos v1 open API: builds each request exactly as the server expects it
 * and turns each answer into a result or an exception. Stateless and thread-safe.
 *
 * <p>Answers: a server fault (no answer, 5xx) is a {@link ServerUnavailableException}; a 401 or 403
 * (that a fresh token did not cure) an {@link AuthenticationException}; any other refusal (a 400 for a
 * parameter the server rejects, e.g. {@code Param 'cluster' is illegal}, or a persistent instance into
 * a service of ephemeral ones) a {@link RequestRefusedException} naming the service and carrying the
 * server's reason.
 *
 * <p>In-place updates go to the API of the server's line: {@code PUT /v1/ns/instance} on 2.x,
 * {@code PUT /v3/admin/ns/instance} on 3.x (whose {@code /v1} one answers 410 Gone), which takes the
 * bare service name beside {@code groupName}, answers {@code {"code":0,"data":"ok"}} and, being an
 * admin API, needs a login with admin rights even when the server's client auth is off.
 */
final class NacosNamingApi {

  private static final Logger LOG = LoggerFactory.getLogger(NacosNamingApi.class);
  static final String INSTANCE = "/v1/ns/instance";
  static final String INSTANCE_V3 = "/v3/admin/ns/instance";
  static final String BEAT = "/v1/ns/instance/beat";
  static final String LIST = "/v1/ns/instance/list";
  static final String SERVICES = "/v1/ns/service/list";
  /** The beat answer's code for "the server does not know this instance". */
  static final int RESOURCE_NOT_FOUND = 20404;
  static final long DEFAULT_BEAT_MILLIS = 5000;

  private final NacosSender sender;
  private final Function<Duration, NacosServerLine> serverLine;

  /**
   * @param sender sends each request
   * @param serverLine the line of the servers, detected on first need within the given timeout
   *     ({@link NacosTransport#serverLine(Duration)})
   */
  NacosNamingApi(NacosSender sender, Function<Duration, NacosServerLine> serverLine) {
    this.sender = sender;
    this.serverLine = serverLine;
  }

  /** The answer of a beat: the delay before the next one, and what the server said. */
  record BeatAnswer(long clientBeatIntervalMillis, boolean instanceUnknown, boolean lightBeatEnabled) {}

  /** One page of service names and the total count. */
  record ServicePage(int count, List<String> names) {}

  /** Registers (or replaces) an instance: {@code POST /v1/ns/instance}, every field in the form. */
  void register(ServiceKey service, Instance instance, Duration timeout) {
    Map<String, String> form = identity(service, instance);
    putFields(form, instance);
    expectOk(service, "register " + instance.address() + " in",
        sender.send(new NacosRequest("POST", INSTANCE, Map.of(), form, Map.of(), timeout, service.toString())));
  }

  /**
   * Changes an instance in place, every field in the form: {@code PUT /v1/ns/instance} (2.x) or
   * {@code PUT /v3/admin/ns/instance} (3.x).
   */
  void update(ServiceKey service, Instance instance, Duration timeout) {
    Map<String, String> form = identity(service, instance);
    putFields(form, instance);
    String what = "update " + instance.address() + " in";
    if (serverLine.apply(timeout) == NacosServerLine.V2) {
      expectOk(service, what,
          sender.send(new NacosRequest("PUT", INSTANCE, Map.of(), form, Map.of(), timeout, service.toString())));
      return;
    }
    form.put("serviceName", service.service());
    NacosResponse response = sender.send(
        new NacosRequest("PUT", INSTANCE_V3, Map.of(), form, Map.of(), timeout, service.toString()));
    JsonNode data = response.ok() ? NacosServerLine.wrappedData(response.body()) : null;
    if (data == null) {
      throw refused(service, what, response);
    }
  }

  /**
   * Deregisters an instance: {@code DELETE /v1/ns/instance} with the identifying fields in the query
   * (as the reference client and the transcripts send it). An unknown instance is not an error.
   */
  void deregister(ServiceKey service, Instance instance, Duration timeout) {
    Map<String, String> query = identity(service, instance);
    query.put("ephemeral", Boolean.toString(instance.ephemeral()));
    NacosResponse response = sender.send(
        new NacosRequest("DELETE", INSTANCE, query, Map.of(), Map.of(), timeout, service.toString()));
    if (response.status() == 404) {
      LOG.debug("Deregistering {} from '{}': the server does not know it", instance.address(), service);
      return;
    }
    expectOk(service, "deregister " + instance.address() + " from", response);
  }

  /**
   * Sends a beat: {@code PUT /v1/ns/instance/beat}, ip, port and the rest of the identity in the
   * query, and, unless {@code light}, {@code beat=<JSON of the whole instance>} in the form.
   *
   * @throws ServerUnavailableException when no server answered, or the answer is no JSON object (the
   *     beat may not have reached the server)
   */
  BeatAnswer beat(ServiceKey service, Instance instance, boolean light, Duration timeout) {
    Map<String, String> query = identity(service, instance);
    Map<String, String> form = light ? Map.of() : Map.of("beat", beatJson(service, instance));
    NacosResponse response = sender.send(
        new NacosRequest("PUT", BEAT, query, form, Map.of(), timeout, service.toString()));
    JsonNode body = jsonOrNull(response.body());
    int code = body == null ? 0 : body.path("code").asInt(0);
    if (code == RESOURCE_NOT_FOUND) {
      return new BeatAnswer(interval(body), true, false);
    }
    if (!response.ok()) {
      throw refused(service, "beat " + instance.address() + " in", response);
    }
    if (body == null) {
      // Not a beat answer (a proxy's page, a cut body): the beat may not have reached the server.
      throw new ServerUnavailableException(service.toString(), "Nacos server " + response.server()
          + " answered the beat of " + instance.address() + " in '" + service + "' with something else: "
          + NacosText.abbreviate(response.body()));
    }
    return new BeatAnswer(interval(body), false, body != null && body.path("lightBeatEnabled").asBoolean(false));
  }

  /**
   * Reads the instance list: {@code GET /v1/ns/instance/list} of every cluster, healthy or not.
   *
   * @param udpPort the port pushes should go to, or 0 for no push
   * @param clientIp the address pushes should go to; ignored when {@code udpPort} is 0
   * @throws ServerUnavailableException when the answer is not an instance list
   */
  NacosServiceList list(ServiceKey service, int udpPort, String clientIp, Duration timeout) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("namespaceId", namespaceId(service));
    query.put("serviceName", service.groupedName());
    query.put("groupName", service.group());
    query.put("clusters", "");
    query.put("healthyOnly", "false");
    if (udpPort > 0) {
      query.put("udpPort", Integer.toString(udpPort));
      query.put("clientIP", clientIp);
    }
    NacosResponse response = sender.send(NacosRequest.get(LIST, query, timeout, service.toString()));
    if (!response.ok()) {
      throw refused(service, "list the instances of", response);
    }
    try {
      return NacosServiceList.parse(response.body()).from(response.server());
    } catch (IllegalArgumentException e) {
      throw new ServerUnavailableException(service.toString(), "Nacos server " + response.server()
          + " answered the instance list of '" + service + "' with something else: " + e.getMessage());
    }
  }

  /** Reads one page of the service names of a namespace and group (pages start at 1). */
  ServicePage services(String namespace, String group, int pageNo, int pageSize, Duration timeout) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("pageNo", Integer.toString(pageNo));
    query.put("pageSize", Integer.toString(pageSize));
    query.put("namespaceId", namespace.isEmpty() ? "public" : namespace);
    query.put("groupName", group);
    String resource = (namespace.isEmpty() ? "public" : namespace) + "/" + group;
    NacosResponse response = sender.send(NacosRequest.get(SERVICES, query, timeout, resource));
    if (!response.ok()) {
      throw refused(resource, "list the services of", response);
    }
    JsonNode body = jsonOrNull(response.body());
    if (body == null || !body.isObject()) {
      throw new ServerUnavailableException(resource, "Nacos server " + response.server()
          + " answered the service list of '" + resource + "' with something else: "
          + NacosText.abbreviate(response.body(), 300));
    }
    List<String> names = new ArrayList<>();
    for (JsonNode name : body.path("doms")) {
      names.add(name.asText());
    }
    return new ServicePage(body.path("count").asInt(names.size()), names);
  }

  /** The JSON of a full beat: the whole instance, so that a server that lost it registers it right. */
  static String beatJson(ServiceKey service, Instance instance) {
    ObjectNode beat = NacosJson.MAPPER.createObjectNode();
    beat.put("serviceName", service.groupedName());
    beat.put("ip", instance.ip());
    beat.put("port", instance.port());
    beat.put("cluster", instance.clusterName());
    beat.put("weight", instance.weight());
    beat.put("ephemeral", instance.ephemeral());
    ObjectNode metadata = beat.putObject("metadata");
    instance.metadata().forEach(metadata::put);
    return beat.toString();
  }

  static String namespaceId(ServiceKey service) {
    return service.namespace().isEmpty() ? "public" : service.namespace();
  }

  private static Map<String, String> identity(ServiceKey service, Instance instance) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("namespaceId", namespaceId(service));
    params.put("serviceName", service.groupedName());
    params.put("groupName", service.group());
    params.put("clusterName", instance.clusterName());
    params.put("ip", instance.ip());
    params.put("port", Integer.toString(instance.port()));
    return params;
  }

  private static void putFields(Map<String, String> params, Instance instance) {
    // The servers' ParamCheckRule, checked before any I/O (a Nacos rule, so here rather than in Instance).
    NameRules.metadata(instance.metadata());
    params.put("weight", Double.toString(instance.weight()));
    params.put("enabled", Boolean.toString(instance.enabled()));
    params.put("healthy", Boolean.toString(instance.healthy()));
    params.put("ephemeral", Boolean.toString(instance.ephemeral()));
    try {
      params.put("metadata", NacosJson.MAPPER.writeValueAsString(instance.metadata()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode metadata " + instance.metadata(), e);
    }
  }

  private static long interval(JsonNode body) {
    long millis = body == null ? 0 : body.path("clientBeatInterval").asLong(0);
    return millis > 0 ? millis : DEFAULT_BEAT_MILLIS;
  }

  private static void expectOk(ServiceKey service, String what, NacosResponse response) {
    if (response.ok() && response.body().strip().equals("ok")) {
      return;
    }
    throw refused(service, what, response);
  }

  /**
   * The exception of a refusal: {@link AuthenticationException} for 401/403,
   * {@link ServerUnavailableException} for a 5xx the transport let through, otherwise (a 4xx, or a
   * 200 that is not the expected answer) {@link RequestRefusedException} with the server's reason.
   */
  private static MseException refused(Object resource, String action, NacosResponse response) {
    String reason = NacosText.abbreviate(NacosServerLine.reason(response.body()), 300);
    int status = response.status();
    String name = resource.toString();
    if (status == 401 || status == 403) {
      return new AuthenticationException(name, "Nacos server " + response.server() + " refused to " + action + " '"
          + name + "': HTTP " + status + " " + reason + " (check the credentials and their rights"
          + (action.startsWith("update") ? "; Nacos 3.x serves in-place updates only on its admin API, which"
              + " needs an admin login)" : ")"));
    }
    if (status >= 500) {
      return new ServerUnavailableException(name, "Nacos server " + response.server() + " failed to " + action
          + " '" + name + "': HTTP " + status + " " + reason);
    }
    return new RequestRefusedException(name, response.server(), status, action, reason);
  }

  private static JsonNode jsonOrNull(String text) {
    try {
      JsonNode node = NacosJson.MAPPER.readTree(text);
      return node != null && node.isObject() ? node : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

}
