package io.mse.client.zookeeper.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mse.client.naming.Instance;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InstanceCodecTest {

  @Test
  void roundTripsEveryField() {
    Instance instance = Instance.builder().ip("10.0.0.7").port(9090).weight(2.5).healthy(false).enabled(false)
        .ephemeral(false).clusterName("east").metadata("version", "v2").build();

    Instance decoded = InstanceCodec.decode(InstanceCodec.encode(instance), false);

    assertThat(decoded).isEqualTo(instance);
  }

  @Test
  void roundTripsAConsumersPortZeroRegistrationAndRefusesPortZeroOtherwise() {
    Instance consumer = Instance.builder().ip("10.0.0.7").port(0).metadata("side", "consumer").build();

    assertThat(InstanceCodec.decode(InstanceCodec.encode(consumer), true)).isEqualTo(consumer);
    assertThatThrownBy(() -> InstanceCodec.decode("{\"ip\":\"10.0.0.8\",\"port\":0}".getBytes(StandardCharsets.UTF_8),
        true)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("side=consumer");
  }

  @Test
  void theZnodeKindDecidesWhetherAnInstanceIsEphemeral() {
    byte[] data = InstanceCodec.encode(Instance.builder().ip("10.0.0.7").port(1).ephemeral(false).build());

    assertThat(InstanceCodec.decode(data, true).ephemeral()).isTrue();
  }

  @Test
  void toleratesUnknownAndMissingFields() {
    byte[] data = "{\"ip\":\"10.0.0.8\",\"port\":80,\"zone\":\"a\"}".getBytes(StandardCharsets.UTF_8);

    Instance decoded = InstanceCodec.decode(data, true);

    assertThat(decoded.address()).isEqualTo("10.0.0.8:80");
    assertThat(decoded.weight()).isEqualTo(1.0);
    assertThat(decoded.healthy()).isTrue();
    assertThat(decoded.enabled()).isTrue();
    assertThat(decoded.clusterName()).isEqualTo("DEFAULT");
  }

  @Test
  void rejectsDataThatIsNotAnInstance() {
    assertThatThrownBy(() -> InstanceCodec.decode("not json".getBytes(StandardCharsets.UTF_8), true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an instance's JSON");
    assertThatThrownBy(() -> InstanceCodec.decode(new byte[0], true))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> InstanceCodec.decode("{\"ip\":\"x y\",\"port\":1}".getBytes(StandardCharsets.UTF_8), true))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
