package io.mse.client.spring.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.naming.NamingService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * The stale-instance window, side by side: two applications follow the same registry, one governed,
 * one with {@code mse.loadbalancer.enabled=false} (so Spring Cloud LoadBalancer's default balances,
 * over mse-client's DiscoveryClient through its caching instance-list supplier). Once both clients'
 * registry caches no longer list a deregistered instance, which is still up, the governed client
 * never calls it again, while Spring Cloud's default keeps calling it from its cached copy.
 */
class StaleInstanceWindowTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir
  static Path snapshots;

  @Test
  void onlyTheGovernedClientStopsCallingARemovedInstanceAtOnce() throws Exception {
    String service = "stale-stock";
    try (MseClient registry = MseClient.builder().serverAddr("embedded").snapshotDir(snapshots.resolve("registry"))
            .build();
        TestProvider staying = TestProvider.start("staying");
        TestProvider leaving = TestProvider.start("leaving");
        ConfigurableApplicationContext governed = CallerApp.start("stale-governed", snapshots.resolve("governed"));
        ConfigurableApplicationContext springCloud = CallerApp.start("stale-default", snapshots.resolve("default"),
            "mse.loadbalancer.enabled=false")) {
      assertThat(springCloud.getBean(LoadBalancerClient.class)).isNotInstanceOf(MseLoadBalancerClient.class);
      registry.naming().registerInstance(service, staying.instance());
      registry.naming().registerInstance(service, leaving.instance());
      Supplier<String> governedCall = call(governed, service);
      Supplier<String> defaultCall = call(springCloud, service);
      for (ConfigurableApplicationContext app : new ConfigurableApplicationContext[] {governed, springCloud}) {
        NamingService naming = app.getBean(NamingService.class);
        await().atMost(WAIT).until(() -> naming.selectInstances(service, "DEFAULT_GROUP", true).size() == 2);
      }
      // both clients call both instances, and Spring Cloud's has taken its copy of the list
      await().atMost(WAIT).until(() -> governedCall.get().equals("leaving") && defaultCall.get().equals("leaving"));

      registry.naming().deregisterInstance(service, leaving.instance());
      for (ConfigurableApplicationContext app : new ConfigurableApplicationContext[] {governed, springCloud}) {
        NamingService naming = app.getBean(NamingService.class);
        await().atMost(WAIT).until(() -> naming.selectInstances(service, "DEFAULT_GROUP", true).size() == 1);
      }
      int before = leaving.hits.get();
      for (int i = 0; i < 20; i++) {
        assertThat(governedCall.get()).isEqualTo("staying");
      }
      assertThat(leaving.hits).hasValue(before);

      int defaultToLeaving = 0;
      for (int i = 0; i < 20; i++) {
        defaultToLeaving += defaultCall.get().equals("leaving") ? 1 : 0;
      }
      assertThat(defaultToLeaving).as("calls Spring Cloud's default still sent to the removed instance").isPositive();
    }
  }

  private static Supplier<String> call(ConfigurableApplicationContext app, String service) {
    RestClient client = app.getBean(RestClient.Builder.class).build();
    return () -> client.get().uri("http://" + service + "/who").retrieve().body(String.class);
  }
}
