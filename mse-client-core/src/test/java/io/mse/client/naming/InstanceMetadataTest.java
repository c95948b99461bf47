package io.mse.client.naming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Instance#metadata()}: an unmodifiable copy in the given order, whatever its size. */
class InstanceMetadataTest {

  @Test
  void oneEntryIsAnUnmodifiableCopy() {
    Map<String, String> source = new HashMap<>(Map.of("version", "v2"));
    Instance instance = new Instance(null, "10.0.0.1", 80, 1, true, true, true, null, source);
    source.put("zone", "z1");

    assertThat(instance.metadata()).containsExactly(Map.entry("version", "v2"));
    assertThatThrownBy(() -> instance.metadata().put("zone", "z1")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void severalEntriesKeepTheirOrderAndCannotBeChanged() {
    Map<String, String> source = new LinkedHashMap<>();
    for (String key : new String[] {"zeta", "alpha", "mid", "beta"}) {
      source.put(key, key.toUpperCase(java.util.Locale.ROOT));
    }
    Instance instance = Instance.builder().ip("10.0.0.1").port(80).metadata(source).build();
    source.clear();

    assertThat(instance.metadata().keySet()).containsExactly("zeta", "alpha", "mid", "beta");
    assertThatThrownBy(() -> instance.metadata().remove("zeta")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void noMetadataIsEmptyAndNullEntriesAreRefused() {
    assertThat(new Instance(null, "10.0.0.1", 80, 1, true, true, true, null, null).metadata()).isEmpty();
    Map<String, String> withNull = new HashMap<>();
    withNull.put("version", null);
    assertThatThrownBy(() -> new Instance(null, "10.0.0.1", 80, 1, true, true, true, null, withNull))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'version'='null'");
  }

  @Test
  void equalMetadataOfAnySizeMakesEqualInstances() {
    Instance one = Instance.builder().ip("10.0.0.1").port(80).metadata("version", "v2").build();
    Instance same = new Instance(null, "10.0.0.1", 80, 1, true, true, true, null, new HashMap<>(Map.of("version", "v2")));
    assertThat(one).isEqualTo(same).hasSameHashCodeAs(same);
  }
}
