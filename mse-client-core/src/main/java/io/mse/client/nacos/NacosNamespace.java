package io.mse.client.nacos;

/**
 * A namespace of a Nacos server, as {@link NacosAdmin#listNamespaces()} reports it. Immutable and
 * thread-safe.
 *
 * @param id the namespace id, which clients and the config API ({@code tenant}) use; "" for the
 *     public namespace (which Nacos 3.x reports as {@code public})
 * @param name the display name ({@code namespaceShowName}), e.g. {@code public}, {@code dev}
 * @param description the description; "" when none
 * @param configCount the number of configs it holds, as the server reports it (0 when not reported)
 */
public record NacosNamespace(String id, String name, String description, int configCount) {

  public NacosNamespace {
    id = id == null ? "" : id;
    name = name == null ? "" : name;
    description = description == null ? "" : description;
  }

  /** Returns true for the public namespace (empty id). */
  public boolean isPublic() {
    return id.isEmpty();
  }
}
