package io.mse.client.naming;

import io.mse.client.NameRules;

/**
 * The identity of a service: namespace, group and service name. Immutable and thread-safe.
 *
 * @param namespace the namespace id, "" for the public namespace (null, blank and {@code "public"}
 *     are normalized to "")
 * @param group the group, {@code DEFAULT_GROUP} when null or blank
 * @param service the service name: non-blank, at most 512 letters, digits, {@code _ - . :}, no {@code @@}
 */
public record ServiceKey(String namespace, String group, String service) {

  /**
   * Checks and normalizes the components, as described above.
   *
   * @throws IllegalArgumentException if a part breaks its rule; the message names the value
   */
  public ServiceKey {
    namespace = NameRules.namespace(namespace);
    group = NameRules.group(group);
    service = NameRules.service(service);
  }

  /** Returns the wire name of the service, {@code group@@service}, as Nacos spells it. */
  public String groupedName() {
    return group + "@@" + service;
  }

  @Override
  public String toString() {
    return (namespace.isEmpty() ? "public" : namespace) + "/" + groupedName();
  }
}
