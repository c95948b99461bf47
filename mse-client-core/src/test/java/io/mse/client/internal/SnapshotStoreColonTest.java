package io.mse.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mse.client.config.ConfigKey;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreColonTest {

  @TempDir
  Path dir;

  @Test
  void dataIdWithColonRoundTripsThroughAnEscapedFileName() throws Exception {
    SnapshotStore store = new SnapshotStore(dir, "127.0.0.1:8848", "dev-ns");
    ConfigKey key = new ConfigKey("dev-ns", "GROUP:A", "app:prod.properties");

    store.writeConfig(key, "k=v\nü=ß");

    Path file = store.configFile(key);
    assertThat(file.getFileName().toString()).isEqualTo("app%3Aprod.properties").doesNotContain(":");
    assertThat(file.getParent().getFileName().toString()).isEqualTo("GROUP%3AA");
    assertThat(file.startsWith(dir.resolve("127.0.0.1%3A8848").resolve("dev-ns"))).isTrue();
    assertThat(Files.isRegularFile(file)).isTrue();
    assertThat(store.readConfig(key)).contains("k=v\nü=ß");
    assertThat(store.readConfig(new ConfigKey("dev-ns", "GROUP:A", "app.prod.properties"))).isEmpty();

    store.writeConfig(key, null);
    assertThat(store.readConfig(key)).isEmpty();
  }
}
