package io.mse.client.config;

import io.mse.client.NameRules;

/**
 * The identity of a config item: namespace, group and dataId. Immutable and thread-safe.
 *
 * @param namespace the namespace id, "" for the public namespace ({@code null}, blank and
 *     {@code "public"} are normalized to ""); otherwise at most 64 ASCII letters, digits, {@code _ -}
 * @param group the group, {@code DEFAULT_GROUP} when null or blank; otherwise at most 128 ASCII
 *     letters, digits, {@code _ - . :}
 * @param dataId the config item's name: non-blank, at most 255 ASCII letters, digits, {@code _ - . :}
 */
public record ConfigKey(String namespace, String group, String dataId) {

  /**
   * Checks and normalizes the components, as described above.
   *
   * @throws IllegalArgumentException if a part breaks its rule; the message names the value
   */
  public ConfigKey {
    namespace = NameRules.namespace(namespace);
    group = NameRules.group(group);
    dataId = NameRules.dataId(dataId);
  }

  /** Returns the key of {@code dataId} in {@code group} of the public namespace. */
  public static ConfigKey of(String dataId, String group) {
    return new ConfigKey("", group, dataId);
  }

  @Override
  public String toString() {
    return (namespace.isEmpty() ? "public" : namespace) + "/" + group + "/" + dataId;
  }
}
