package io.mse.client.config.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.config.ConfigKey;
import io.mse.client.internal.Dispatcher;
import io.mse.client.internal.SnapshotStore;
import io.mse.client.spi.ConfigData;
import io.mse.client.spi.NamedThreadFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A first read meeting a report that came before it: the failover file wins, the snapshot is the latest. */
class ConfigCacheInitializeTest {

  private static final ConfigKey KEY = ConfigKey.of("a.properties", "G");

  @TempDir
  Path dir;

  @Test
  void aFailoverFileWinsOverAServerReportThatReachedTheEntryBeforeItsFirstRead() throws Exception {
    SnapshotStore snapshots = new SnapshotStore(dir, "race", "");
    try (Dispatcher dispatcher = new Dispatcher(new NamedThreadFactory("init-notify"))) {
      ConfigCache cache = new ConfigCache(dispatcher, snapshots,
          MseClient.builder().serverAddr("memory://race").snapshotDir(dir).toConfig());
      ConfigEntry entry = cache.entry(KEY);
      cache.onConfig(KEY, new ConfigData("from=server", null)); // the watch's report came first

      ConfigEntry.State held = cache.initialize(entry, ConfigEntry.State.ofContent("from=file"), true);

      assertThat(held.content()).isEqualTo("from=file");
      assertThat(entry.state.content()).isEqualTo("from=file");
      // the snapshot ends with what is held, not with the earlier report
      await().until(() -> Files.exists(snapshots.configFile(KEY))
          && Files.readString(snapshots.configFile(KEY)).equals("from=file"));
    }
  }
}
