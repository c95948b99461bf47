package io.mse.bench.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.Response;
import reactor.core.publisher.Mono;

/** The benchmark's two variants do what it claims, outside JMH (no timing asserted). */
class SpringRestClientBenchmarkTest {

  @Test
  void bothVariantsAnswerAndTheGovernedOneGoesThroughGovernance() throws Exception {
    SpringRestClientBenchmark bench = new SpringRestClientBenchmark();
    bench.setUp();
    try {
      for (int i = 0; i < 50; i++) {
        assertThat(bench.governedRestClient()).isEqualTo("ok");
        assertThat(bench.plainLoadBalancedRestClient()).isEqualTo("ok");
      }
      // the set-up's own check call, then these 50
      assertThat(bench.client().governance().counters(SpringRestClientBenchmark.SERVICE).successes()).isEqualTo(51);
    } finally {
      bench.tearDown();
    }
  }

  @Test
  void thePlainLoadBalancerRoundRobinsOverTheGivenInstances() {
    List<ServiceInstance> instances = List.of(
        new DefaultServiceInstance("a", "inventory-service", "10.0.0.1", 8080, false, Map.of()),
        new DefaultServiceInstance("b", "inventory-service", "10.0.0.2", 8080, false, Map.of()));
    var factory = SpringRestClientBenchmark.roundRobin(instances);
    Set<String> hosts = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      Response<ServiceInstance> chosen = Mono.from(factory.getInstance("inventory-service")
          .choose(new DefaultRequest<>())).block();
      hosts.add(chosen.getServer().getHost());
    }
    assertThat(hosts).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
  }
}
