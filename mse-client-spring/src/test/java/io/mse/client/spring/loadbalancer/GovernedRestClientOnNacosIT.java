package io.mse.client.spring.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.governance.Governance;
import io.mse.client.naming.NamingService;
import io.mse.client.testing.nacos.NacosConformance;
import io.mse.client.testing.nacos.NacosServerTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * A governed, load-balanced RestClient of a Spring Boot application on each real Nacos server
 * (2.5.1 and 3.0.3 with auth in the build): providers registered in Nacos, a rule document published
 * into its config center routing a header to the {@code version=v2} subset and retrying a failing
 * instance, then an instance deregistered and no longer called. Service names, the application name
 * and so the rule's dataId are unique to the run; everything is removed afterwards.
 */
@NacosConformance
class GovernedRestClientOnNacosIT {

  private static final Duration VISIBLE = Duration.ofSeconds(30);

  @TempDir
  Path snapshots;

  private final NacosServerTarget server;
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String service = "spring-lb-stock-" + run;
  private final String application = "spring-lb-caller-" + run;
  private final List<TestProvider> providers = new ArrayList<>();
  private MseClient registry;
  private ConfigurableApplicationContext caller;

  GovernedRestClientOnNacosIT(NacosServerTarget server) {
    this.server = server;
  }

  @AfterEach
  void cleanUp() {
    if (caller != null) {
      caller.close();
    }
    if (registry != null) {
      registry.config().removeConfig(application + Governance.APPLICATION_DATA_ID_SUFFIX, Governance.RULES_GROUP);
      for (TestProvider p : providers) {
        registry.naming().deregisterInstance(service, p.instance());
      }
      registry.close();
    }
    providers.forEach(TestProvider::close);
  }

  @Test
  void routesRetriesAndFollowsTheRegistryOnARealNacos() throws Exception {
    registry = server.clientBuilder(snapshots.resolve("registry")).build();
    TestProvider v1a = start("v1-a", "v1");
    TestProvider v1b = start("v1-b", "v1");
    TestProvider v2 = start("v2", "v2");
    TestProvider broken = start("v1-broken", "v1").answer(503);
    registry.config().publishConfig(application + Governance.APPLICATION_DATA_ID_SUFFIX, Governance.RULES_GROUP, """
        {"version": 1,
         "routes": [
           {"service": "%1$s", "match": {"headers": {"x-canary": "yes"}}, "destinations": [{"subset": {"version": "v2"}}]},
           {"service": "%1$s", "destinations": [{"subset": {"version": "v1"}}]}],
         "retries": [{"resource": "%1$s", "maxAttempts": 3, "budgetPercent": 100, "minRetries": 100}]}
        """.formatted(service));

    List<String> properties = new ArrayList<>(List.of("mse.server-addr=" + server.address(),
        "mse.request-timeout=5s"));
    if (server.auth()) {
      properties.add("mse.username=" + server.username());
      properties.add("mse.password=" + server.password());
    }
    caller = CallerApp.start(application, snapshots.resolve("caller"), properties.toArray(String[]::new));
    Governance governance = caller.getBean(Governance.class);
    NamingService naming = caller.getBean(NamingService.class);
    RestClient client = caller.getBean(RestClient.Builder.class).build();
    await().atMost(VISIBLE).until(() -> !governance.rules().routes().isEmpty()
        && naming.selectInstances(service, "DEFAULT_GROUP", true).size() == 4);

    Map<String, Integer> canary = new HashMap<>();
    Map<String, Integer> stable = new HashMap<>();
    for (int i = 0; i < 30; i++) {
      canary.merge(client.get().uri("http://" + service + "/who").header("x-canary", "yes").retrieve()
          .body(String.class), 1, Integer::sum);
      stable.merge(client.get().uri("http://" + service + "/who").retrieve().body(String.class), 1, Integer::sum);
    }

    assertThat(canary).containsOnlyKeys("v2");
    assertThat(stable).containsOnlyKeys("v1-a", "v1-b"); // the broken one's 503s were retried elsewhere
    assertThat(governance.counters(service).retries()).isEqualTo(broken.hits.get()).isPositive();

    registry.naming().deregisterInstance(service, v1b.instance());
    await().atMost(VISIBLE).until(() -> naming.selectInstances(service, "DEFAULT_GROUP", true).size() == 3);
    int v1bHits = v1b.hits.get();
    for (int i = 0; i < 20; i++) {
      assertThat(client.get().uri("http://" + service + "/who").retrieve().body(String.class)).isEqualTo("v1-a");
    }
    assertThat(v1b.hits).hasValue(v1bHits);
    System.err.println("[" + server + "] governed RestClient: canary " + canary + ", stable " + stable
        + ", retries " + governance.counters(service).retries());
  }

  private TestProvider start(String name, String version) throws Exception {
    TestProvider p = TestProvider.start(name, "version", version);
    providers.add(p);
    registry.naming().registerInstance(service, p.instance());
    return p;
  }
}
