package io.mse.client.nacos.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mse.client.naming.Instance;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link NacosServiceList#parse}: what a parsed list holds, and that it holds repeated text once. */
class NacosServiceListTest {

  private static final String LIST = """
      {"name":"DEFAULT_GROUP@@shop","cacheMillis":3000,"lastRefTime":7,"hosts":[
        {"instanceId":"10.0.0.1#8080#blue#DEFAULT_GROUP@@shop","ip":"10.0.0.1","port":8080,"weight":1.0,
         "healthy":true,"enabled":true,"ephemeral":true,"clusterName":"blue","metadata":{"version":"v2"}},
        {"instanceId":"10.0.0.2#8080#blue#DEFAULT_GROUP@@shop","ip":"10.0.0.2","port":8080,"weight":2.0,
         "healthy":true,"enabled":true,"ephemeral":true,"clusterName":"blue",
         "metadata":{"version":"v2","zone":"z1","timestamp":"1700000000000"}}]}
      """;

  @Test
  void parsesTheInstancesOfAList() {
    NacosServiceList list = NacosServiceList.parse(LIST);

    assertThat(list.name()).isEqualTo("DEFAULT_GROUP@@shop");
    assertThat(list.cacheMillis()).isEqualTo(3000);
    assertThat(list.lastRefTime()).isEqualTo(7);
    assertThat(list.hosts()).extracting(Instance::ip).containsExactly("10.0.0.1", "10.0.0.2");
    assertThat(list.hosts().get(0).metadata()).containsExactly(java.util.Map.entry("version", "v2"));
    // several entries keep the server's order
    assertThat(list.hosts().get(1).metadata().keySet()).containsExactly("version", "zone", "timestamp");
  }

  @Test
  void repeatedClusterNamesAndMetadataAreOneStringPerList() {
    List<Instance> hosts = NacosServiceList.parse(LIST).hosts();
    Instance first = hosts.get(0);
    Instance second = hosts.get(1);

    // a cache of 100,000 instances would otherwise hold the same few strings 100,000 times
    assertThat(second.clusterName()).isSameAs(first.clusterName());
    String firstKey = first.metadata().keySet().iterator().next();
    String secondKey = second.metadata().keySet().iterator().next();
    assertThat(secondKey).isEqualTo("version").isSameAs(firstKey);
    assertThat(second.metadata().get("version")).isSameAs(first.metadata().get("version"));
  }
}
