package io.mse.client.zookeeper.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mse.client.naming.Instance;
import java.io.IOException;
import java.util.Map;

/**
 * The JSON form of an instance in its znode. The wire format is this class's own record, not
 * {@link Instance}'s accessors, so it stays stable when {@link Instance} grows methods. Unknown
 * fields are ignored (other writers may add some). Thread-safe.
 */
final class InstanceCodec {

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private InstanceCodec() {}

  /** The fields stored in an instance node. */
  record Wire(String instanceId, String ip, int port, Double weight, Boolean healthy, Boolean enabled,
      Boolean ephemeral, String clusterName, Map<String, String> metadata) {}

  /** Returns the UTF-8 JSON of {@code instance}. */
  public static byte[] encode(Instance instance) {
    Wire wire = new Wire(instance.instanceId(), instance.ip(), instance.port(), instance.weight(), instance.healthy(),
        instance.enabled(), instance.ephemeral(), instance.clusterName(), instance.metadata());
    try {
      return MAPPER.writeValueAsBytes(wire);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write instance " + instance.address() + " as JSON", e);
    }
  }

  /**
   * Reads an instance node. Missing weight, healthy and enabled default to 1, true and true.
   *
   * @param ephemeral whether the znode is ephemeral; this, not the JSON, decides {@link Instance#ephemeral()}
   * @throws IllegalArgumentException when the data is not an instance's JSON
   */
  public static Instance decode(byte[] data, boolean ephemeral) {
    Wire wire;
    try {
      wire = MAPPER.readValue(data == null ? new byte[0] : data, Wire.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("not an instance's JSON: " + e.getMessage(), e);
    }
    if (wire == null) {
      throw new IllegalArgumentException("not an instance's JSON: the node is empty");
    }
    return new Instance(wire.instanceId(), wire.ip(), wire.port(), wire.weight() == null ? 1.0 : wire.weight(),
        wire.healthy() == null || wire.healthy(), wire.enabled() == null || wire.enabled(), ephemeral,
        wire.clusterName(), wire.metadata());
  }
}
