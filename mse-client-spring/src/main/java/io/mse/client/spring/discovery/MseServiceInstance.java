package io.mse.client.spring.discovery;

import io.mse.client.naming.Instance;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import org.springframework.cloud.client.ServiceInstance;

/**
 * A Spring Cloud {@link ServiceInstance} backed by an mse-client {@link Instance}. Immutable and
 * thread-safe.
 *
 * <p>{@link #isSecure()} is true when the instance's metadata holds {@code secure=true} (the key
 * Spring Cloud Alibaba uses); the scheme is then {@code https}, else {@code http}.
 *
 * @param serviceId the service's name
 * @param instance the registry's instance, for its weight, cluster and the rest
 */
public record MseServiceInstance(String serviceId, Instance instance) implements ServiceInstance {

  /** The metadata key whose value {@code true} marks an instance served over TLS. */
  public static final String SECURE = "secure";

  public MseServiceInstance {
    Objects.requireNonNull(serviceId, "serviceId");
    Objects.requireNonNull(instance, "instance");
  }

  @Override
  public String getInstanceId() {
    return instance.instanceId();
  }

  @Override
  public String getServiceId() {
    return serviceId;
  }

  @Override
  public String getHost() {
    return instance.ip();
  }

  @Override
  public int getPort() {
    return instance.port();
  }

  @Override
  public boolean isSecure() {
    return Boolean.parseBoolean(instance.metadata().get(SECURE));
  }

  /** Returns {@code http(s)://ip:port}, with an IPv6 address in brackets. */
  @Override
  public URI getUri() {
    return URI.create(getScheme() + "://" + instance.address());
  }

  @Override
  public Map<String, String> getMetadata() {
    return instance.metadata();
  }

  @Override
  public String getScheme() {
    return isSecure() ? "https" : "http";
  }
}
