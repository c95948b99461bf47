package io.mse.client.nacos.internal;

/**
 * One namespace of a server's list, as the engine reads it (the public {@code NacosNamespace} of
 * {@code NacosAdmin} is made from it, so that this package does not depend on the one above it).
 *
 * @param id the namespace id, "" for the public namespace
 * @param name the display name
 * @param description the description, "" when none
 * @param configCount the number of configs, 0 when not reported
 */
public record NamespaceEntry(String id, String name, String description, int configCount) {}
