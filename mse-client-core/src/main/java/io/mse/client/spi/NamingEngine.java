package io.mse.client.spi;

import io.mse.client.naming.Instance;
import io.mse.client.naming.ServiceKey;
import java.time.Duration;
import java.util.List;

/**
 * The registry half of an engine: plain server I/O plus whatever keeps an ephemeral instance alive
 * (beats, sessions). The cache layer above it keeps the lists, snapshots and listeners.
 *
 * <p>Failures to reach the server are reported as {@link io.mse.client.ServerUnavailableException}.
 * Implementations are thread-safe.
 */
public interface NamingEngine {

  /** Registers an instance (replacing one with the same ip, port and cluster). */
  void registerInstance(ServiceKey service, Instance instance);

  /** Deregisters the instance with {@code instance}'s ip, port and cluster; unknown ones are ignored. */
  void deregisterInstance(ServiceKey service, Instance instance);

  /** Reads the full instance list from the server; empty when the service has none or does not exist. */
  List<Instance> getInstances(ServiceKey service, Duration timeout);

  /**
   * Starts following a service: from now on every list the engine learns is reported to
   * {@link NamingEventSink#onInstances}. Repeats are harmless: the cache layer drops them.
   */
  void subscribe(ServiceKey service);

  /** Stops following a service; unknown services are ignored. */
  void unsubscribe(ServiceKey service);

  /**
   * Changes a registered instance in place (weight, enabled, healthy, metadata).
   *
   * @throws UnsupportedOperationException when this engine cannot (the default)
   */
  default void updateInstance(ServiceKey service, Instance instance) {
    throw new UnsupportedOperationException("this engine cannot update an instance in place");
  }

  /**
   * Lists the service names of a namespace and group, sorted.
   *
   * @throws UnsupportedOperationException when this engine cannot (the default)
   */
  default List<String> listServices(String namespace, String group) {
    throw new UnsupportedOperationException("this engine cannot list services");
  }
}
