package io.mse.client.spring.config;

import java.beans.PropertyDescriptor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.beans.BeanUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Plans the copy of one bean's properties onto another of the same class, so that the copy itself
 * is a short run of reference writes: everything is read, compared and looked up while planning,
 * off to the side; {@link Plan#run()} only writes.
 *
 * <p>Which properties, in the order of {@link BeanUtils#getPropertyDescriptors}, as Spring Boot's
 * JavaBean binding and Spring Cloud's reset see them:
 * <ul>
 *   <li>readable and writable: the setter is called with the source's value (a new list, map or
 *       object is put in place by one write, never filled in place);
 *   <li>read-only, holding a nested bean of a user type on both sides: copied into the target's own
 *       nested bean, recursively (so a caller holding the nested bean sees it change);
 *   <li>read-only, holding a collection or a map: the field of the same name that holds it is
 *       pointed at the source's one (one write, even when {@code final}); with no such field, the
 *       target's is cleared and filled (the only case a reader can see it part-filled);
 *   <li>anything else (write-only, read-only values) is left as it is.
 * </ul>
 * Values equal on both sides are not written. Not thread-safe: plan and run on one thread.
 */
final class BeanPropertiesCopier {

  private BeanPropertiesCopier() {}

  /** The writes that make a target equal to a source; run once. */
  static final class Plan {
    private final List<Runnable> writes;

    private Plan(List<Runnable> writes) {
      this.writes = writes;
    }

    /** Returns the number of writes. */
    int size() {
      return writes.size();
    }

    /**
     * Writes.
     *
     * @throws RuntimeException what a setter throws (the writes before it stay done)
     */
    void run() {
      for (Runnable write : writes) {
        write.run();
      }
    }
  }

  /**
   * Plans the copy of {@code source}'s properties onto {@code target}.
   *
   * @param source a freshly bound instance, not shared
   * @param target the live bean, of the same class
   * @throws IllegalArgumentException when the classes differ
   * @throws RuntimeException what a getter throws (a checked exception wrapped in an
   *     {@code UndeclaredThrowableException}), or {@code InaccessibleObjectException} when a method or
   *     field cannot be made accessible (a class of a module that does not open its package)
   */
  static Plan plan(Object source, Object target) {
    if (source.getClass() != target.getClass()) {
      throw new IllegalArgumentException("cannot copy a " + source.getClass().getName() + " onto a "
          + target.getClass().getName());
    }
    List<Runnable> writes = new ArrayList<>();
    plan(source, target, writes, Collections.newSetFromMap(new IdentityHashMap<>()));
    return new Plan(List.copyOf(writes));
  }

  private static void plan(Object source, Object target, List<Runnable> writes, Set<Object> visited) {
    if (!visited.add(target)) {
      return;
    }
    for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(target.getClass())) {
      Method getter = property.getReadMethod();
      Method setter = property.getWriteMethod();
      if (getter == null || getter.getDeclaringClass() == Object.class || getter.getParameterCount() != 0) {
        continue;
      }
      Object next = invoke(getter, source);
      Object current = invoke(getter, target);
      if (next == current) {
        continue;
      }
      if (current != null && next != null && current.getClass() == next.getClass() && isNestedBean(current.getClass())) {
        plan(next, current, writes, visited);
      } else if (Objects.equals(current, next)) {
        continue;
      } else if (setter != null) {
        ReflectionUtils.makeAccessible(setter);
        writes.add(() -> ReflectionUtils.invokeMethod(setter, target, next));
      } else if (current instanceof Collection<?> || current instanceof Map<?, ?>) {
        writes.add(replaceContainer(target, property.getName(), current, next));
      }
    }
  }

  /** Points the field that holds {@code current} at {@code next}; else clears and fills {@code current}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Runnable replaceContainer(Object target, String name, Object current, Object next) {
    Field field = ReflectionUtils.findField(target.getClass(), name);
    if (field != null && field.getType().isInstance(next)) {
      ReflectionUtils.makeAccessible(field);
      if (ReflectionUtils.getField(field, target) == current) {
        return () -> ReflectionUtils.setField(field, target, next);
      }
    }
    if (current instanceof Collection collection) {
      return () -> {
        collection.clear();
        if (next != null) {
          collection.addAll((Collection) next);
        }
      };
    }
    Map map = (Map) current;
    return () -> {
      map.clear();
      if (next != null) {
        map.putAll((Map) next);
      }
    };
  }

  private static Object invoke(Method getter, Object bean) {
    ReflectionUtils.makeAccessible(getter);
    return ReflectionUtils.invokeMethod(getter, bean);
  }

  /**
   * Whether values of {@code type} are nested beans copied into in place: an application's own
   * class, not a simple value, enum, array, collection, map, nor a JDK or Jakarta/javax type (the
   * rule of Spring Cloud's reset of nested types).
   */
  static boolean isNestedBean(Class<?> type) {
    if (type.isArray() || type.isEnum() || BeanUtils.isSimpleValueType(type) || Collection.class.isAssignableFrom(type)
        || Map.class.isAssignableFrom(type)) {
      return false;
    }
    ClassLoader loader = type.getClassLoader();
    if (loader == null || loader == ClassLoader.getPlatformClassLoader()) {
      return false;
    }
    String packageName = type.getPackageName();
    return !packageName.startsWith("jakarta.") && !packageName.startsWith("javax.");
  }
}
