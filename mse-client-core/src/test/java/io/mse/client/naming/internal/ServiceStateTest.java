package io.mse.client.naming.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mse.client.naming.Instance;
import io.mse.client.naming.ServiceKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceStateTest {

  private static final ServiceKey KEY = new ServiceKey("", null, "s");

  @Test
  void everyInstanceIsPickedInProportionToItsWeight() {
    List<Instance> instances = new ArrayList<>();
    double total = 0;
    for (int i = 1; i <= 20; i++) {
      double weight = i % 7 == 0 ? 0.5 : i;
      total += weight;
      instances.add(Instance.builder().ip("10.0.0." + i).port(80).weight(weight).build());
    }
    ServiceState state = new ServiceState(KEY, instances);
    Map<String, Integer> counts = new HashMap<>();
    int draws = 400_000;
    for (int i = 0; i < draws; i++) {
      counts.merge(state.selectOne().ip(), 1, Integer::sum);
    }
    for (Instance instance : instances) {
      double expected = instance.weight() / total;
      assertThat(counts.getOrDefault(instance.ip(), 0) / (double) draws)
          .as("share of %s (weight %s)", instance.ip(), instance.weight())
          .isCloseTo(expected, within(Math.max(0.004, expected * 0.1)));
    }
  }

  @Test
  void listIsSortedAndSelectionsSplitByHealth() {
    ServiceState state = new ServiceState(KEY, List.of(
        Instance.builder().ip("10.0.0.2").port(80).build(),
        Instance.builder().ip("10.0.0.1").port(81).healthy(false).build(),
        Instance.builder().ip("10.0.0.1").port(80).build()));
    assertThat(state.all()).extracting(Instance::address).containsExactly("10.0.0.1:80", "10.0.0.1:81", "10.0.0.2:80");
    assertThat(state.select(true)).extracting(Instance::address).containsExactly("10.0.0.1:80", "10.0.0.2:80");
    assertThat(state.select(false)).extracting(Instance::address).containsExactly("10.0.0.1:81");
  }

  @Test
  void aSingleSelectableInstanceIsAlwaysPicked() {
    ServiceState state = new ServiceState(KEY, List.of(
        Instance.builder().ip("10.0.0.1").port(80).weight(0).build(),
        Instance.builder().ip("10.0.0.2").port(80).weight(0.01).build()));
    for (int i = 0; i < 1000; i++) {
      assertThat(state.selectOne().ip()).isEqualTo("10.0.0.2");
    }
  }
}
