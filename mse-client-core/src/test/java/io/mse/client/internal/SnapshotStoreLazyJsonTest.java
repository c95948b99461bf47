package io.mse.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot store makes its Jackson mapper only for instance lists: config snapshots load no class of
 * jackson-databind (a fresh client's first config read stays free of it), and instance lists still round-trip once
 * the mapper is made. Runs the store in its own class loader over the test class path, which records
 * every class it is asked for, so "not loaded" is observed rather than assumed.
 */
class SnapshotStoreLazyJsonTest {

  @TempDir
  Path dir;

  /** Loads this project's and its libraries' classes itself (child first) and records their names. */
  private static final class RecordingLoader extends URLClassLoader {
    final Set<String> asked = ConcurrentHashMap.newKeySet();

    RecordingLoader(URL[] urls) {
      super(urls, ClassLoader.getPlatformClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      asked.add(name);
      return super.loadClass(name, resolve);
    }
  }

  private static URL[] testClassPath() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      urls.add(Path.of(entry).toUri().toURL());
    }
    return urls.toArray(URL[]::new);
  }

  @Test
  void configSnapshotsLoadNoJacksonAndInstanceListsStillRoundTrip() throws Exception {
    try (RecordingLoader loader = new RecordingLoader(testClassPath())) {
      Class<?> storeType = loader.loadClass(SnapshotStore.class.getName());
      Class<?> configKeyType = loader.loadClass("io.mse.client.config.ConfigKey");
      Object store = storeType.getConstructor(Path.class, String.class, String.class).newInstance(dir, "lazy", "");
      Object configKey = configKeyType.getConstructor(String.class, String.class, String.class)
          .newInstance("", "G", "app.properties");
      storeType.getMethod("writeConfig", configKeyType, String.class).invoke(store, configKey, "a=1");
      assertThat(storeType.getMethod("readConfig", configKeyType).invoke(store, configKey)).isEqualTo(Optional.of("a=1"));
      assertThat(loader.asked).noneMatch(name -> name.startsWith("com.fasterxml.jackson.databind"));

      Class<?> serviceKeyType = loader.loadClass("io.mse.client.naming.ServiceKey");
      Object serviceKey = serviceKeyType.getConstructor(String.class, String.class, String.class)
          .newInstance("", "G", "inventory");
      Class<?> instanceType = loader.loadClass("io.mse.client.naming.Instance");
      Object builder = instanceType.getMethod("builder").invoke(null);
      Class<?> builderType = builder.getClass();
      builderType.getMethod("ip", String.class).invoke(builder, "10.0.0.1");
      builderType.getMethod("port", int.class).invoke(builder, 8080);
      builderType.getMethod("metadata", String.class, String.class).invoke(builder, "version", "v2");
      List<Object> instances = List.of(builderType.getMethod("build").invoke(builder));
      storeType.getMethod("writeInstances", serviceKeyType, List.class).invoke(store, serviceKey, instances);
      Method readInstances = storeType.getMethod("readInstances", serviceKeyType);
      assertThat(readInstances.invoke(store, serviceKey)).isEqualTo(Optional.of(instances));
      assertThat(loader.asked).contains("com.fasterxml.jackson.databind.ObjectMapper");
      assertThat((Path) storeType.getMethod("serviceFile", serviceKeyType).invoke(store, serviceKey)).exists();
    }
  }
}
