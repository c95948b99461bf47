package io.mse.client.internal;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * A two-level concurrent map from (group, name) to a value, so that the read path looks a key up by
 * its two strings without allocating a key object. Thread-safe.
 */
public final class KeyIndex<V> {

  private final ConcurrentHashMap<String, ConcurrentHashMap<String, V>> groups = new ConcurrentHashMap<>();

  /** Returns the value for (group, name), or null. Allocation-free. */
  public V get(String group, String name) {
    ConcurrentHashMap<String, V> names = groups.get(group);
    return names == null ? null : names.get(name);
  }

  /** Returns the value for (group, name), making it with {@code factory} when absent. */
  public V computeIfAbsent(String group, String name, BiFunction<String, String, V> factory) {
    return groups.computeIfAbsent(group, g -> new ConcurrentHashMap<>())
        .computeIfAbsent(name, n -> factory.apply(group, name));
  }

  /** Removes (group, name) only if it maps to {@code value}. */
  public boolean remove(String group, String name, V value) {
    ConcurrentHashMap<String, V> names = groups.get(group);
    return names != null && names.remove(name, value);
  }

  /** Returns a weakly consistent view of all values. */
  public Collection<V> values() {
    return groups.values().stream().flatMap(m -> m.values().stream()).toList();
  }
}
