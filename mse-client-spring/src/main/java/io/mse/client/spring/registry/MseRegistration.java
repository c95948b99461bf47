package io.mse.client.spring.registry;

import io.mse.client.naming.Instance;
import io.mse.client.spring.discovery.MseServiceInstance;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.cloud.client.serviceregistry.Registration;

/**
 * This application's instance as it is registered: service, group, address, port, cluster, weight,
 * ephemeral flag and metadata. A Spring Cloud {@link Registration}, so Spring Cloud's
 * {@code serviceregistry} actuator endpoint and {@code InstancePreRegisteredEvent} listeners see it.
 *
 * <p>The port is 0 until the web server has started ({@link #port(int)}); the metadata map is
 * mutable (thread-safe) so that a listener of {@code InstancePreRegisteredEvent} can add entries
 * before registration; changes made later are not sent. Everything else is fixed. Thread-safe.
 */
public final class MseRegistration implements Registration {

  private final String serviceId;
  private final String group;
  private final String host;
  private final String cluster;
  private final double weight;
  private final boolean ephemeral;
  private final boolean secure;
  private final Map<String, String> metadata;
  private volatile int port;

  /**
   * @param serviceId the service name
   * @param group the group
   * @param host the address to register
   * @param port the port, or 0 when it is the web server's, set later
   * @param cluster the cluster
   * @param weight 0 to 10000
   * @param ephemeral ephemeral (true) or persistent
   * @param secure served over TLS; recorded as metadata {@code secure}
   * @param metadata the metadata (copied); {@code secure} is added unless given
   * @throws NullPointerException when a string argument or the metadata is null
   */
  public MseRegistration(String serviceId, String group, String host, int port, String cluster, double weight,
      boolean ephemeral, boolean secure, Map<String, String> metadata) {
    this.serviceId = Objects.requireNonNull(serviceId, "serviceId");
    this.group = Objects.requireNonNull(group, "group");
    this.host = Objects.requireNonNull(host, "host");
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.port = port;
    this.weight = weight;
    this.ephemeral = ephemeral;
    this.secure = secure;
    this.metadata = new ConcurrentHashMap<>(metadata);
    this.metadata.putIfAbsent(MseServiceInstance.SECURE, Boolean.toString(secure));
  }

  /** Sets the port once the web server is known; a port set before (by configuration) is kept. */
  void port(int webServerPort) {
    if (port == 0) {
      port = webServerPort;
    }
  }

  /**
   * Returns the instance to register, with the metadata as they are now.
   *
   * @throws IllegalArgumentException when a value breaks the registry's rules (no port yet, a weight
   *     out of range...), naming it
   */
  public Instance toInstance() {
    return toInstanceWithPort(port);
  }

  /** Returns the instance with {@code port}; checks the other values before the port is known. */
  Instance toInstanceWithPort(int port) {
    return Instance.builder().ip(host).port(port).clusterName(cluster).weight(weight).ephemeral(ephemeral)
        .metadata(Map.copyOf(metadata)).build();
  }

  /** Returns the group the instance is registered in. */
  public String getGroup() {
    return group;
  }

  /** Returns the cluster. */
  public String getCluster() {
    return cluster;
  }

  /** Returns the weight. */
  public double getWeight() {
    return weight;
  }

  /** Returns whether the instance is ephemeral. */
  public boolean isEphemeral() {
    return ephemeral;
  }

  /** Returns {@code ip#port#cluster}, the id the registry derives for an instance without one. */
  @Override
  public String getInstanceId() {
    return host + "#" + port + "#" + cluster;
  }

  @Override
  public String getServiceId() {
    return serviceId;
  }

  @Override
  public String getHost() {
    return host;
  }

  @Override
  public int getPort() {
    return port;
  }

  @Override
  public boolean isSecure() {
    return secure;
  }

  @Override
  public URI getUri() {
    String authority = host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    return URI.create(getScheme() + "://" + authority);
  }

  @Override
  public String getScheme() {
    return secure ? "https" : "http";
  }

  /** Returns the live, mutable metadata map (see the class comment). */
  @Override
  public Map<String, String> getMetadata() {
    return metadata;
  }

  @Override
  public String toString() {
    return "MseRegistration[" + group + "@@" + serviceId + " " + getUri() + ", cluster=" + cluster + ", weight="
        + weight + ", ephemeral=" + ephemeral + "]";
  }
}
