package io.mse.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mse.client.NameRules;
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
    assertThat(SnapshotStore.escape("..")).isEqualTo(".%2E");
    assertThat(SnapshotStore.escape("CON")).isEqualTo("%CON");
    assertThat(SnapshotStore.escape("nul.txt")).isEqualTo("%nul.txt");
    assertThat(SnapshotStore.escape("a.")).isEqualTo("a%2E").isNotEqualTo(SnapshotStore.escape("a.."));
    assertThat(SnapshotStore.escape("127.0.0.1:8848")).isEqualTo("127.0.0.1%3A8848");
    assertThat(SnapshotStore.escape("a%3A")).isEqualTo("a%253A").isNotEqualTo(SnapshotStore.escape("a:"));
  }

  @Test
  void noCharacterOrNameWindowsForbidsSurvivesEscapingAndDistinctNamesStayDistinct() {
    String forbidden = "<>:\"/\\|?*";
    java.util.Set<String> escaped = new java.util.HashSet<>();
    for (char c : forbidden.toCharArray()) {
      String name = "a" + c + "b";
      assertThat(SnapshotStore.escape(name)).matches("[A-Za-z0-9._%~-]+").doesNotContain(String.valueOf(c));
      escaped.add(SnapshotStore.escape(name));
    }
    for (char c = 0; c < 32; c++) {
      assertThat(SnapshotStore.escape("a" + c)).matches("[A-Za-z0-9._%~-]+");
    }
    assertThat(escaped).hasSize(forbidden.length());
    for (String device : List.of("CON", "prn", "Aux", "NUL", "com1", "LPT9", "con.txt")) {
      assertThat(SnapshotStore.escape(device)).startsWith("%");
    }
    assertThat(SnapshotStore.escape("trailing.")).doesNotEndWith(".");
    assertThat(SnapshotStore.escape("[::1]:8848")).isEqualTo("%5B%3A%3A1%5D%3A8848");
  }

  @Test
  void theLongestLegalNamesFitInAFileName() {
    SnapshotStore store = new SnapshotStore(dir, "127.0.0.1:8848", "");
    ConfigKey longest = ConfigKey.of("a".repeat(NameRules.MAX_DATA_ID_LENGTH), "G");
    ServiceKey service = new ServiceKey("", "G", "s".repeat(NameRules.MAX_SERVICE_LENGTH));
    ServiceKey nonAscii = new ServiceKey("", "G", "ü".repeat(160));
    ServiceKey sameStart = new ServiceKey("", "G", "ü".repeat(159) + "x");
    store.writeConfig(longest, "v1");
    store.writeInstances(service, List.of(Instance.of("10.0.0.1", 80)));
    store.writeInstances(nonAscii, List.of(Instance.of("10.0.0.2", 80)));
    store.writeInstances(sameStart, List.of(Instance.of("10.0.0.3", 80)));
    assertThat(store.readConfig(longest)).contains("v1");
    assertThat(store.readInstances(service)).hasValueSatisfying(list -> assertThat(list).hasSize(1));
    assertThat(store.readInstances(nonAscii)).hasValueSatisfying(
        list -> assertThat(list.get(0).ip()).isEqualTo("10.0.0.2"));
    assertThat(store.readInstances(sameStart)).hasValueSatisfying(
        list -> assertThat(list.get(0).ip()).isEqualTo("10.0.0.3"));
    assertThat(store.serviceFile(nonAscii).getFileName().toString()).hasSizeLessThanOrEqualTo(150);
  }

  @Test
  void aFileHeldUnderAnotherCaseIsNeverServedForThisKey() throws Exception {
    SnapshotStore store = new SnapshotStore(dir, "embedded", "");
    ConfigKey upper = ConfigKey.of("App.properties", "G");
    ConfigKey lower = ConfigKey.of("app.properties", "G");
    store.writeConfig(lower, "lower");
    // What a case-insensitive file system shows: the upper-case name resolves to the lower-case file.
    Path upperFile = store.configFile(upper);
    if (!Files.exists(upperFile)) {
      Files.createSymbolicLink(upperFile, store.configFile(lower).getFileName());
    }
    assertThat(store.readConfig(upper)).isEmpty();
    store.writeConfig(upper, "upper");
    assertThat(store.readConfig(lower)).contains("lower");
  }

  @Test
  void configRoundTripsAndNullDeletes() {
    SnapshotStore store = new SnapshotStore(dir, "127.0.0.1:8848", "dev");
    ConfigKey key = new ConfigKey("dev", "G", "app:db.properties");
    store.writeConfig(key, "ü=1\n");
    assertThat(store.readConfig(key)).contains("ü=1\n");
    assertThat(store.configFile(key)).startsWith(dir.resolve("127.0.0.1%3A8848").resolve("dev"));
    assertThat(store.configFile(key).getFileName().toString()).isEqualTo("app%3Adb.properties");
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
