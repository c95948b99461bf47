package io.mse.client.naming;

import java.util.List;

/**
 * The instance list of a subscribed service changed. Immutable and thread-safe.
 *
 * @param service the service
 * @param instances the full new list of instances (healthy or not), unmodifiable
 * @param added instances that were not in the previous list (by ip, port and cluster), unmodifiable
 * @param removed instances of the previous list that are gone, unmodifiable
 */
public record NamingEvent(ServiceKey service, List<Instance> instances, List<Instance> added,
    List<Instance> removed) {

  /**
   * Copies the lists into unmodifiable ones.
   *
   * @throws NullPointerException when a list is null or holds null
   */
  public NamingEvent {
    instances = List.copyOf(instances);
    added = List.copyOf(added);
    removed = List.copyOf(removed);
  }
}
