package io.mse.client.spring.actuate;

import io.mse.client.MseClient;
import io.mse.client.ServerStatus;
import io.mse.client.config.ListenedConfig;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernanceListener;
import io.mse.client.governance.GovernanceRules;
import io.mse.client.naming.FollowedService;
import io.mse.client.naming.Instance;
import io.mse.client.naming.RegisteredInstance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code mse} actuator endpoint ({@code GET /actuator/mse} when exposed): what the client holds
 * now, read from memory (no request to the server).
 *
 * <ul>
 *   <li>{@code server}: address, namespace, reachable, for how long not, last failure;
 *   <li>{@code registrations}: the instances this application registered (service, group, address,
 *       cluster, weight, ephemeral, enabled, metadata, when);
 *   <li>{@code subscriptions}: the services followed (instances, healthy, listeners, last change);
 *   <li>{@code configs}: the configs listened to (dataId, group, MD5, last change, listeners, whether a
 *       failover file overrides it);
 *   <li>{@code governance}: the rule documents (dataId, group, MD5 and last change of the document held,
 *       the last rejection since start if the document held was rejected), the number of rules in force
 *       by kind, the circuit breakers' states and the ejected instances.
 * </ul>
 * Times are ISO-8601 instants (this host's clock), durations ISO-8601 durations. Thread-safe.
 */
@Endpoint(id = "mse")
public final class MseEndpoint {

  private final MseClient client;
  private final Governance governance;
  private final Map<String, Map<String, Object>> rejections = new ConcurrentHashMap<>();

  /**
   * Reads {@code client}, and {@code governance} when not null (then listens to its rule rejections).
   *
   * @throws NullPointerException when {@code client} is null
   */
  public MseEndpoint(MseClient client, Governance governance) {
    this.client = Objects.requireNonNull(client, "client");
    this.governance = governance;
    if (governance != null) {
      governance.addListener(new GovernanceListener() {
        @Override
        public void onRulesApplied(String source, GovernanceRules effectiveRules) {
          rejections.remove(source);
        }

        @Override
        public void onRulesRejected(String source, String reason) {
          Map<String, Object> rejection = new LinkedHashMap<>();
          rejection.put("at", Instant.now().toString());
          rejection.put("reason", reason);
          rejections.put(source, rejection);
        }
      });
    }
  }

  /** Returns the whole view (see the class comment). */
  @ReadOperation
  public Map<String, Object> mse() {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("server", server());
    view.put("registrations", client.registrations().stream()
        .sorted(Comparator.comparing((RegisteredInstance r) -> r.service().toString()))
        .map(MseEndpoint::registration).toList());
    view.put("subscriptions", client.followedServices().stream()
        .sorted(Comparator.comparing((FollowedService s) -> s.service().toString()))
        .map(MseEndpoint::subscription).toList());
    List<ListenedConfig> configs = client.listenedConfigs().stream()
        .sorted(Comparator.comparing((ListenedConfig c) -> c.key().group() + "/" + c.key().dataId())).toList();
    view.put("configs", configs.stream().map(MseEndpoint::config).toList());
    if (governance != null) {
      view.put("governance", governance(configs));
    }
    return view;
  }

  private Map<String, Object> server() {
    ServerStatus status = client.serverStatus();
    Map<String, Object> server = new LinkedHashMap<>();
    server.put("address", client.settings().serverAddr());
    server.put("namespace", client.settings().namespace().isEmpty() ? "public" : client.settings().namespace());
    server.put("reachable", status.reachable());
    if (!status.reachable()) {
      server.put("unreachableFor", status.unreachableFor().toString());
      server.put("lastFault", status.lastFault());
    }
    return server;
  }

  private static Map<String, Object> registration(RegisteredInstance registered) {
    Instance instance = registered.instance();
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("service", registered.service().service());
    view.put("group", registered.service().group());
    view.put("address", instance.address());
    view.put("cluster", instance.clusterName());
    view.put("weight", instance.weight());
    view.put("ephemeral", instance.ephemeral());
    view.put("enabled", instance.enabled());
    view.put("metadata", instance.metadata());
    view.put("registeredAt", registered.registeredAt().toString());
    return view;
  }

  private static Map<String, Object> subscription(FollowedService followed) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("service", followed.service().service());
    view.put("group", followed.service().group());
    view.put("instances", followed.instances());
    view.put("healthy", followed.healthy());
    view.put("listeners", followed.listeners());
    view.put("lastChanged", String.valueOf(followed.lastChanged()));
    return view;
  }

  private static Map<String, Object> config(ListenedConfig config) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("dataId", config.key().dataId());
    view.put("group", config.key().group());
    view.put("md5", config.md5());
    view.put("lastChanged", String.valueOf(config.lastChanged()));
    view.put("listeners", config.listeners());
    view.put("failoverOverride", config.failoverOverride());
    return view;
  }

  private Map<String, Object> governance(List<ListenedConfig> configs) {
    List<String> documents = new ArrayList<>();
    documents.add(Governance.BASELINE_DATA_ID);
    if (client.settings().applicationName() != null) {
      documents.add(client.settings().applicationName() + Governance.APPLICATION_DATA_ID_SUFFIX);
    }
    List<Map<String, Object>> ruleDocuments = new ArrayList<>();
    for (String dataId : documents) {
      Map<String, Object> document = new LinkedHashMap<>();
      document.put("dataId", dataId);
      document.put("group", Governance.RULES_GROUP);
      ListenedConfig held = configs.stream()
          .filter(c -> c.key().dataId().equals(dataId) && c.key().group().equals(Governance.RULES_GROUP))
          .findFirst().orElse(null);
      document.put("md5", held == null ? null : held.md5());
      document.put("lastChanged", held == null ? null : String.valueOf(held.lastChanged()));
      document.put("rejected", rejections.get(dataId));
      ruleDocuments.add(document);
    }
    GovernanceRules rules = governance.rules();
    Map<String, Object> inForce = new LinkedHashMap<>();
    inForce.put("version", rules.version());
    inForce.put("routes", rules.routes().size());
    inForce.put("loadBalancers", rules.loadBalancers().size());
    inForce.put("outlierDetection", rules.outlierDetection().size());
    inForce.put("rateLimits", rules.rateLimits().size());
    inForce.put("circuitBreakers", rules.circuitBreakers().size());
    inForce.put("retries", rules.retries().size());
    inForce.put("timeouts", rules.timeouts().size());
    inForce.put("bulkheads", rules.bulkheads().size());
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("ruleDocuments", ruleDocuments);
    view.put("localRulesRejected", rejections.get("local"));
    view.put("rulesInForce", inForce);
    Map<String, String> breakers = new LinkedHashMap<>();
    governance.circuitStates().forEach((resource, state) -> breakers.put(resource, state.name()));
    view.put("circuitBreakers", breakers);
    Map<String, List<String>> ejected = new LinkedHashMap<>();
    governance.ejectedInstances().forEach((service, instances) ->
        ejected.put(service, instances.stream().map(Instance::address).toList()));
    view.put("ejectedInstances", ejected);
    return view;
  }
}
