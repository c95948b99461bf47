package io.mse.client.nacos.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.mse.client.NameRules;
import io.mse.client.naming.Instance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An instance list as a Nacos server sends it, from {@code /v1/ns/instance/list} or inside a UDP push.
 * Immutable.
 *
 * @param name the service's wire name, {@code group@@service} ({@code DEFAULT_GROUP@@} is added when
 *     the server left the group out); "" when the server sent none
 * @param hosts the instances, unmodifiable; null when the {@code hosts} field is missing, which means
 *     the list is not usable (never reported)
 * @param cacheMillis how long the list stays fresh: the poll interval; 10 000 when not sent
 * @param lastRefTime the server's version of the list, larger is newer; 0 when not sent
 * @param valid the server's {@code valid} flag; true when not sent
 * @param source where the list came from, for logs: the server's base URL, a push's sender; "" unknown
 */
record NacosServiceList(String name, List<Instance> hosts, long cacheMillis, long lastRefTime, boolean valid,
    String source) {

  private static final Logger LOG = LoggerFactory.getLogger(NacosServiceList.class);
  static final long DEFAULT_CACHE_MILLIS = 10_000;

  NacosServiceList {
    hosts = hosts == null ? null : List.copyOf(hosts);
    source = source == null ? "" : source;
  }

  /** Returns this list as coming from {@code from} (a server's base URL, a push's sender). */
  NacosServiceList from(String from) {
    return new NacosServiceList(name, hosts, cacheMillis, lastRefTime, valid, from);
  }

  /** Returns true when the list may be reported: {@code hosts} present and {@code valid} not false. */
  boolean usable() {
    return hosts != null && valid;
  }

  /**
   * Parses the JSON of a list.
   *
   * @throws IllegalArgumentException when the text is not a JSON object
   */
  static NacosServiceList parse(String json) {
    JsonNode root;
    try {
      root = NacosJson.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not an instance list: " + NacosText.abbreviate(json), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not an instance list: " + NacosText.abbreviate(json));
    }
    String name = root.path("name").asText("");
    if (!name.isEmpty() && !name.contains("@@")) {
      name = NameRules.DEFAULT_GROUP + "@@" + name;
    }
    JsonNode hostsNode = root.get("hosts");
    List<Instance> hosts = null;
    if (hostsNode != null && hostsNode.isArray()) {
      hosts = new ArrayList<>(hostsNode.size());
      // one String per distinct cluster name, metadata key and value of this list, not one per instance
      Map<String, String> shared = new HashMap<>();
      for (JsonNode host : hostsNode) {
        Instance instance = instance(name, host, shared);
        if (instance != null) {
          hosts.add(instance);
        }
      }
    }
    long cacheMillis = root.path("cacheMillis").asLong(DEFAULT_CACHE_MILLIS);
    return new NacosServiceList(name, hosts, cacheMillis <= 0 ? DEFAULT_CACHE_MILLIS : cacheMillis,
        root.path("lastRefTime").asLong(0), root.path("valid").asBoolean(true), "");
  }

  private static String share(Map<String, String> shared, String value) {
    return value == null ? null : shared.computeIfAbsent(value, v -> v);
  }

  private static Instance instance(String service, JsonNode host, Map<String, String> shared) {
    try {
      Map<String, String> metadata = new LinkedHashMap<>();
      host.path("metadata").properties().forEach(e -> metadata.put(share(shared, e.getKey()),
          share(shared, e.getValue().asText())));
      JsonNode id = host.get("instanceId");
      return new Instance(id == null || id.isNull() ? null : id.asText(), host.path("ip").asText(null),
          host.path("port").asInt(0), host.path("weight").asDouble(1.0), host.path("healthy").asBoolean(true),
          host.path("enabled").asBoolean(true), host.path("ephemeral").asBoolean(true),
          share(shared, host.path("clusterName").asText(null)), metadata);
    } catch (IllegalArgumentException e) {
      LOG.warn("Skipping an instance of '{}' the server sent that is not valid: {} ({})", service,
          NacosText.abbreviate(host.toString()), e.getMessage());
      return null;
    }
  }
}
