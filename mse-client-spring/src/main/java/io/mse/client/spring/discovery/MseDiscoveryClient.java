package io.mse.client.spring.discovery;

import io.mse.client.naming.NamingService;
import java.util.List;
import java.util.Objects;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * A Spring Cloud {@link DiscoveryClient} served from mse-client's registry, for the services of one
 * group. Thread-safe.
 *
 * <p>{@link #getInstances(String)} reads the client's service cache: the first read of a service
 * fetches it and follows it from then on, so later reads do no I/O and see changes as the registry
 * pushes them.
 */
public final class MseDiscoveryClient implements DiscoveryClient {

  private final NamingService naming;
  private final String group;

  /**
   * Serves the services of {@code group} from {@code naming}.
   *
   * @throws NullPointerException when an argument is null
   */
  public MseDiscoveryClient(NamingService naming, String group) {
    this.naming = Objects.requireNonNull(naming, "naming");
    this.group = Objects.requireNonNull(group, "group");
  }

  @Override
  public String description() {
    return "mse-client DiscoveryClient (group '" + group + "')";
  }

  /**
   * Returns the healthy, enabled instances of positive weight of {@code serviceId}; empty when it has
   * none.
   *
   * @throws IllegalArgumentException when {@code serviceId} is not a valid service name
   * @throws io.mse.client.ServerUnavailableException on the first read of a service when the server
   *     cannot be reached and no snapshot exists
   */
  @Override
  public List<ServiceInstance> getInstances(String serviceId) {
    return naming.selectInstances(serviceId, group, true).stream()
        .<ServiceInstance>map(instance -> new MseServiceInstance(serviceId, instance))
        .toList();
  }

  /**
   * Returns the names of the group's services, sorted. Asks the server on every call.
   *
   * @throws io.mse.client.ServerUnavailableException when the server cannot be reached
   */
  @Override
  public List<String> getServices() {
    return naming.getServices(group);
  }
}
