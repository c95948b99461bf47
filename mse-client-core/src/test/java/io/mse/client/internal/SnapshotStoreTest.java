package io.mse.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mse.client.config.ConfigKey;
import io.mse.client.naming.Instance;
import io.mse.client.naming.ServiceKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {

  @TempDir
  Path dir;

  @Test
  void escapesEverySegmentIntoAPortableFileName() {
    assertThat(SnapshotStore.escape("app:db.properties")).isEqualTo("app%3Adb.properties");
    assertThat(SnapshotStore.escape("数据")).isEqualTo("%E6%95%B0%E6%8D%AE");
    assertThat(SnapshotStore.escape("..")).isEqualTo("%..");
    assertThat(SnapshotStore.escape("CON")).isEqualTo("%CON");
    assertThat(SnapshotStore.escape("nul.txt")).isEqualTo("%nul.txt");
    assertThat(SnapshotStore.escape("a.")).isEqualTo("%a.");
    assertThat(SnapshotStore.escape("127.0.0.1:8848")).isEqualTo("127.0.0.1%3A8848");
    assertThat(SnapshotStore.escape("a%3A")).isEqualTo("a%253A").isNotEqualTo(SnapshotStore.escape("a:"));
  }

  @Test
  void configRoundTripsAndNullDeletes() {
    SnapshotStore store = new SnapshotStore(dir, "127.0.0.1:8848", "dev");
    ConfigKey key = new ConfigKey("dev", "G", "app:db.properties");
    store.writeConfig(key, "ü=1\n");
    assertThat(store.readConfig(key)).contains("ü=1\n");
    assertThat(store.configFile(key)).startsWith(dir.resolve("127.0.0.1%3A8848").resolve("dev"));
    store.writeConfig(key, null);
    assertThat(store.readConfig(key)).isEmpty();
  }

  @Test
  void instanceListRoundTripsAndAnUnreadableFileIsIgnored() throws Exception {
    SnapshotStore store = new SnapshotStore(dir, "embedded", "");
    ServiceKey key = new ServiceKey("", "G", "inventory");
    List<Instance> instances = List.of(Instance.builder().ip("10.0.0.1").port(80).metadata("version", "v2").build());
    store.writeInstances(key, instances);
    assertThat(store.readInstances(key)).contains(instances);
    Files.writeString(store.serviceFile(key), "{not json");
    assertThat(store.readInstances(key)).isEmpty();
    try (var files = Files.list(store.serviceFile(key).getParent())) {
      assertThat(files).allSatisfy(f -> assertThat(f.getFileName().toString()).doesNotEndWith(".tmp"));
    }
  }
}
