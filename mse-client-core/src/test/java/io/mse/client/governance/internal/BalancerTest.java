package io.mse.client.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mse.client.governance.GovernedRequest;
import io.mse.client.governance.LoadBalancerRule;
import io.mse.client.governance.LoadBalancerType;
import io.mse.client.naming.Instance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BalancerTest {

  static Endpoint endpoint(String ip, double weight) {
    return new Endpoint(Instance.builder().ip(ip).port(80).weight(weight).build(), Endpoint.WARM, -1);
  }

  static final GovernedRequest REQUEST = GovernedRequest.of("s");

  @Test
  void smoothRoundRobinFollowsTheNginxSequence() {
    Endpoint a = endpoint("10.0.0.1", 5);
    Endpoint b = endpoint("10.0.0.2", 1);
    Endpoint c = endpoint("10.0.0.3", 1);
    Balancer rr = Balancer.of(LoadBalancerRule.of(LoadBalancerType.ROUND_ROBIN), new Endpoint[] {a, b, c});

    List<Endpoint> picks = new ArrayList<>();
    for (int i = 0; i < 14; i++) {
      picks.add(rr.pick(REQUEST, 0, 0));
    }

    assertThat(picks).containsExactly(a, a, b, a, c, a, a, a, a, b, a, c, a, a);
  }

  @Test
  void roundRobinReducesWeightsAndScalesFractionalOnes() {
    assertThat(RoundRobinBalancer.integerWeights(new Endpoint[] {endpoint("10.0.0.1", 100), endpoint("10.0.0.2", 300)}))
        .containsExactly(1, 3);
    assertThat(RoundRobinBalancer.integerWeights(new Endpoint[] {endpoint("10.0.0.1", 0.5), endpoint("10.0.0.2", 1)}))
        .containsExactly(1, 2);
  }

  @Test
  void weightedRandomFollowsWeights() {
    Endpoint light = endpoint("10.0.0.1", 1);
    Endpoint heavy = endpoint("10.0.0.2", 3);
    Balancer random = Balancer.of(null, new Endpoint[] {light, heavy});

    int heavyPicks = 0;
    for (int i = 0; i < 40_000; i++) {
      if (random.pick(REQUEST, 0, 0) == heavy) {
        heavyPicks++;
      }
    }

    assertThat(heavyPicks / 40_000.0).isBetween(0.73, 0.77);
  }

  @Test
  void leastRequestsPrefersTheIdleInstance() {
    Endpoint busy = endpoint("10.0.0.1", 1);
    Endpoint idle = endpoint("10.0.0.2", 1);
    Endpoint busier = endpoint("10.0.0.3", 1);
    busy.outstanding.set(3);
    busier.outstanding.set(7);
    Balancer lor = Balancer.of(LoadBalancerRule.of(LoadBalancerType.LEAST_REQUESTS), new Endpoint[] {busy, idle, busier});

    for (int i = 0; i < 100; i++) {
      assertThat(lor.pick(REQUEST, 0, 0)).isSameAs(idle);
    }
    idle.outstanding.set(10);
    assertThat(lor.pick(REQUEST, 0, 0)).isSameAs(busy);
  }

  @Test
  void leastRequestsWithManyInstancesUsesTwoChoicesAndAvoidsTheBusiest() {
    Endpoint[] endpoints = new Endpoint[10];
    for (int i = 0; i < endpoints.length; i++) {
      endpoints[i] = endpoint("10.0.0." + (i + 1), 1);
    }
    endpoints[0].outstanding.set(100);
    Balancer lor = Balancer.of(LoadBalancerRule.of(LoadBalancerType.LEAST_REQUESTS), endpoints);

    for (int i = 0; i < 1000; i++) {
      assertThat(lor.pick(REQUEST, 0, 0)).isNotSameAs(endpoints[0]);
    }
  }

  @Test
  void consistentHashIsStableAndMovesOnlyTheKeysOfARemovedInstance() {
    Endpoint[] five = new Endpoint[5];
    for (int i = 0; i < five.length; i++) {
      five[i] = endpoint("10.0.1." + (i + 1), 1);
    }
    LoadBalancerRule rule = new LoadBalancerRule(LoadBalancerType.CONSISTENT_HASH, "header:x-user", null);
    Balancer ring = Balancer.of(rule, five);
    Balancer ringWithoutThird = Balancer.of(rule, new Endpoint[] {five[0], five[1], five[3], five[4]});

    Map<Endpoint, Integer> load = new HashMap<>();
    int moved = 0;
    for (int user = 0; user < 10_000; user++) {
      GovernedRequest request = GovernedRequest.builder("s").header("X-User", "user-" + user).build();
      Endpoint owner = ring.pick(request, 0, 0);
      assertThat(ring.pick(request, 0, 0)).isSameAs(owner);
      load.merge(owner, 1, Integer::sum);
      Endpoint after = ringWithoutThird.pick(request, 0, 0);
      if (owner != five[2]) {
        assertThat(after).isSameAs(owner);
      } else {
        moved++;
      }
    }

    assertThat(moved).isBetween(1200, 2800);
    assertThat(load.values()).allSatisfy(n -> assertThat(n).isBetween(1200, 2800));
  }

  @Test
  void consistentHashPrefersTheRequestsOwnKey() {
    Endpoint[] endpoints = {endpoint("10.0.1.1", 1), endpoint("10.0.1.2", 1), endpoint("10.0.1.3", 1)};
    Balancer ring = Balancer.of(new LoadBalancerRule(LoadBalancerType.CONSISTENT_HASH, "path", null), endpoints);
    GovernedRequest a = GovernedRequest.builder("s").path("/x").hashKey("order-42").build();
    GovernedRequest b = GovernedRequest.builder("s").path("/y").hashKey("order-42").build();
    assertThat(ring.pick(a, 0, 0)).isSameAs(ring.pick(b, 0, 0));
    assertThat(Arrays.asList(endpoints)).contains(ring.pick(GovernedRequest.of("s"), 0, 0));
  }
}
