package io.mse.client.naming;

import io.mse.client.NameRules;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One instance of a service: where it listens and how it may be chosen. Immutable and thread-safe.
 *
 * @param instanceId the id the engine knows the instance by; when null or blank on construction it
 *     becomes {@code ip#port#clusterName}. Engines may report their own ids (Nacos:
 *     {@code ip#port#cluster#group@@service}).
 * @param ip an IPv4/IPv6 address or host name
 * @param port 1 to 65535; or 0 for a consumer's registration, an instance whose metadata has
 *     {@code side=consumer} ({@value #SIDE_METADATA_KEY}={@value #CONSUMER_SIDE}, as Dubbo's Nacos registry
 *     registers a consumer URL with {@code register-consumer-url=true}). Such an instance listens nowhere:
 *     it is listed ({@link NamingService#getAllInstances}) but never {@linkplain #isSelectable() selected}
 * @param weight 0 to 10000; an instance of weight 0 is never selected
 * @param healthy whether health checks pass (beats arrive, for an ephemeral instance)
 * @param enabled whether the instance may receive traffic
 * @param ephemeral true: lives while its client's session/beats do; false: persistent until deregistered
 * @param clusterName the cluster, {@code DEFAULT} when null or blank
 * @param metadata labels such as {@code version=v2}; copied into an unmodifiable map that keeps the given
 *     order; null means empty
 */
public record Instance(String instanceId, String ip, int port, double weight, boolean healthy, boolean enabled,
    boolean ephemeral, String clusterName, Map<String, String> metadata) {

  /**
   * The metadata key under which a provider announces when it started, in milliseconds since the
   * epoch (decimal): {@value}. It is the key Dubbo's Nacos registry already writes (the provider
   * URL's {@code timestamp} parameter), so Dubbo providers registered by {@code nacos://} announce it
   * too. Callers ramp a warming-up instance's weight from this time, not from when they first saw it.
   */
  public static final String START_TIME_METADATA_KEY = "timestamp";

  /** The metadata key naming the side of a Dubbo URL ({@code provider} or {@code consumer}): {@value}. */
  public static final String SIDE_METADATA_KEY = "side";

  /** The {@value #SIDE_METADATA_KEY} value of a consumer's registration, the one instance that may have port 0: {@value}. */
  public static final String CONSUMER_SIDE = "consumer";

  /**
   * Checks and normalizes the components, as described above.
   *
   * @throws IllegalArgumentException if a field breaks its rule (port 0 without {@code side=consumer}
   *     metadata included); the message names the value
   */
  public Instance {
    ip = NameRules.ip(ip);
    NameRules.weight(weight);
    clusterName = NameRules.cluster(clusterName);
    metadata = metadata == null ? Map.of() : copyOf(metadata);
    checkPort(port, metadata);
    if (instanceId == null || instanceId.isBlank()) {
      instanceId = ip + "#" + port + "#" + clusterName;
    }
  }

  /** Returns a healthy, enabled, ephemeral instance of weight 1 in the default cluster. */
  public static Instance of(String ip, int port) {
    return builder().ip(ip).port(port).build();
  }

  /** Returns a builder with weight 1, healthy, enabled, ephemeral, cluster {@code DEFAULT}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this instance's values. */
  public Builder toBuilder() {
    return new Builder().instanceId(instanceId).ip(ip).port(port).weight(weight).healthy(healthy)
        .enabled(enabled).ephemeral(ephemeral).clusterName(clusterName).metadata(metadata);
  }

  /** Returns {@code ip:port}. */
  public String address() {
    return ip.indexOf(':') >= 0 ? "[" + ip + "]:" + port : ip + ":" + port;
  }

  /**
   * Returns true when this instance may be selected: healthy, enabled, of positive weight and with a
   * port (a consumer's registration, port 0, is never a call target).
   */
  public boolean isSelectable() {
    return healthy && enabled && weight > 0 && port > 0;
  }

  /**
   * Returns true for a consumer's registration: port 0 (allowed only with {@code side=consumer} metadata).
   * Such an instance is listed but never selected.
   */
  public boolean isConsumerRegistration() {
    return port == 0;
  }

  /** Port 0 is a consumer's registration (side=consumer metadata); every other port follows {@link NameRules#port}. */
  private static void checkPort(int port, Map<String, String> metadata) {
    if (port != 0) {
      NameRules.port(port);
    } else if (!CONSUMER_SIDE.equals(metadata.get(SIDE_METADATA_KEY))) {
      throw new IllegalArgumentException("port 0 is out of range: a port is 1 to 65535, and 0 only for a consumer's"
          + " registration, whose metadata has " + SIDE_METADATA_KEY + "=" + CONSUMER_SIDE);
    }
  }

  /** Returns true when {@code other} has the same ip, port and cluster, the identity of an instance. */
  public boolean sameEndpoint(Instance other) {
    return port == other.port && ip.equals(other.ip) && clusterName.equals(other.clusterName);
  }

  /**
   * An unmodifiable copy in insertion order. Compact for the usual small maps (a cache of 100,000
   * instances holds one per instance): no entry or one entry take one small object ({@code Map.of});
   * more keep a {@link LinkedHashMap} for their order.
   */
  private static Map<String, String> copyOf(Map<String, String> metadata) {
    metadata.forEach((key, value) -> {
      if (key == null || value == null) {
        throw new IllegalArgumentException("metadata entry '" + key + "'='" + value + "' is invalid: keys and values must not be null");
      }
    });
    if (metadata.isEmpty()) {
      return Map.of();
    }
    if (metadata.size() == 1) {
      Map.Entry<String, String> only = metadata.entrySet().iterator().next();
      return Map.of(only.getKey(), only.getValue());
    }
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /** Builds an {@link Instance}. Not thread-safe. */
  public static final class Builder {
    private String instanceId;
    private String ip;
    private int port;
    private boolean portSet;
    private double weight = 1.0;
    private boolean healthy = true;
    private boolean enabled = true;
    private boolean ephemeral = true;
    private String clusterName = NameRules.DEFAULT_CLUSTER;
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private Builder() {}

    /** Sets the id; null derives {@code ip#port#clusterName}. */
    public Builder instanceId(String instanceId) {
      this.instanceId = instanceId;
      return this;
    }

    /** Sets the address; checked: an IPv4/IPv6 address or host name. */
    public Builder ip(String ip) {
      this.ip = NameRules.ip(ip);
      return this;
    }

    /**
     * Sets the port; checked: 1 to 65535, or 0 for a consumer's registration, which {@link #build()}
     * accepts only with {@code side=consumer} metadata.
     */
    public Builder port(int port) {
      this.port = port == 0 ? 0 : NameRules.port(port);
      this.portSet = true;
      return this;
    }

    /** Sets the weight; checked: 0 to 10000. Default 1. */
    public Builder weight(double weight) {
      this.weight = NameRules.weight(weight);
      return this;
    }

    /** Default true. */
    public Builder healthy(boolean healthy) {
      this.healthy = healthy;
      return this;
    }

    /** Default true. */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /** Default true. */
    public Builder ephemeral(boolean ephemeral) {
      this.ephemeral = ephemeral;
      return this;
    }

    /** Sets the cluster; null or blank means {@code DEFAULT}. */
    public Builder clusterName(String clusterName) {
      this.clusterName = NameRules.cluster(clusterName);
      return this;
    }

    /** Adds one metadata label. */
    public Builder metadata(String key, String value) {
      if (key == null || value == null) {
        throw new IllegalArgumentException("metadata entry '" + key + "'='" + value + "' is invalid: keys and values must not be null");
      }
      metadata.put(key, value);
      return this;
    }

    /** Replaces all metadata labels. */
    public Builder metadata(Map<String, String> metadata) {
      this.metadata.clear();
      metadata.forEach(this::metadata);
      return this;
    }

    /**
     * Builds the instance.
     *
     * @throws IllegalArgumentException when no ip or port was set, or the port is 0 and the metadata has
     *     no {@code side=consumer}
     */
    public Instance build() {
      if (ip == null || !portSet) {
        throw new IllegalArgumentException("an instance needs an ip and a port; got ip '" + ip + "' and port " + port);
      }
      return new Instance(instanceId, ip, port, weight, healthy, enabled, ephemeral, clusterName, metadata);
    }
  }
}
