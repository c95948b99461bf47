package io.mse.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.config.ConfigChangeEvent;
import io.mse.client.config.ConfigKey;
import io.mse.client.naming.Instance;
import io.mse.client.naming.ServiceKey;
import io.mse.client.testing.ChildJvm;
import io.mse.client.testing.LogCapture;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots on disk: owner-only, whole after a crash mid-write, and a directory that cannot be written
 * (not a directory, a full disk) costs one WARN and nothing else: the client keeps serving from memory.
 */
@Timeout(180)
class SnapshotDurabilityTest {

  @TempDir
  Path dir;

  @Test
  void snapshotFilesAndTheDirectoriesTheStoreMakesAreTheOwnersOnly() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "a POSIX file system");
    SnapshotStore store = new SnapshotStore(dir.resolve("snapshots"), "127.0.0.1:8848", "dev");
    ConfigKey key = new ConfigKey("dev", "G", "db.properties");
    ServiceKey service = new ServiceKey("dev", "G", "inventory");
    store.writeConfig(key, "password=s3cret");
    store.writeInstances(service, List.of(Instance.of("10.0.0.1", 80)));

    for (Path file : List.of(store.configFile(key), store.serviceFile(service))) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }
    try (Stream<Path> created = Files.walk(dir.resolve("snapshots"))) {
      created.filter(Files::isDirectory).forEach(d -> assertThat(uncheckedPermissions(d)).as(d.toString())
          .isEqualTo("rwx------"));
    }
    // a rewrite keeps them so
    store.writeConfig(key, "password=other");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.configFile(key)))).isEqualTo("rw-------");
  }

  private static String uncheckedPermissions(Path path) {
    try {
      return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aProcessKilledWhileWritingLeavesTheOldSnapshotOrTheNewOneNeverATornOne() throws Exception {
    Path snapshots = dir.resolve("crash");
    Path file = new SnapshotStore(snapshots, "crash", "").configFile(SnapshotChild.KEY);
    for (int kill = 0; kill < 5; kill++) {
      Process child = ChildJvm.start(SnapshotChild.class, null, dir.resolve("crash-" + kill + ".err"), "crash",
          snapshots.toString());
      int writes = 2 + ThreadLocalRandom.current().nextInt(6);
      try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (int i = 0; i < writes; i++) {
          assertThat(out.readLine()).as("the child's progress").startsWith("written ");
        }
        child.destroyForcibly(); // SIGKILL, most likely in the middle of the next 4 MiB write
      }
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      byte[] held = Files.readAllBytes(file);
      assertThat(held).as("after kill %d", kill).hasSize(SnapshotChild.BIG);
      byte first = held[0];
      assertThat(first == 'a' || first == 'b').isTrue();
      for (byte b : held) {
        if (b != first) {
          throw new AssertionError("a torn snapshot: '" + (char) first + "' then '" + (char) b + "'");
        }
      }
    }
  }

  @Test
  void aSnapshotDirectoryThatCannotBeWrittenCostsOneWarningAndTheClientServesFromMemory() throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("snapshots"), "a file where the directory should be");
    List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();
    try (LogCapture logs = LogCapture.atAllLevels();
         MseClient client = MseClient.builder().serverAddr("fake://unwritable").snapshotDir(notADirectory).build()) {
      for (int k = 0; k < 3; k++) {
        client.config().publishConfig("k" + k + ".properties", "G", "v=0");
        client.config().getConfigAndAddListener("k" + k + ".properties", "G", Duration.ofSeconds(2), events::add);
      }
      client.naming().registerInstance("svc", "G", Instance.of("10.0.0.1", 80));
      assertThat(client.naming().getAllInstances("svc", "G")).hasSize(1);
      for (int round = 1; round <= 5; round++) {
        for (int k = 0; k < 3; k++) {
          client.config().publishConfig("k" + k + ".properties", "G", "v=" + round);
        }
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 15);
      assertThat(client.config().getConfig("k2.properties", "G")).isEqualTo("v=5");
      assertThat(logs.lines("WARN", "SnapshotStore")).hasSize(1);
      assertThat(logs.lines("WARN", "SnapshotStore").get(0)).contains("kept in memory only");
      assertThat(logs.lines("ERROR")).isEmpty();

      // the directory becomes writable: the next change is written, and said so
      Files.delete(notADirectory);
      client.config().publishConfig("k0.properties", "G", "v=6");
      SnapshotStore store = new SnapshotStore(notADirectory, "fake://unwritable", "");
      await().atMost(Duration.ofSeconds(10)).until(() -> store.readConfig(ConfigKey.of("k0.properties", "G"))
          .equals(java.util.Optional.of("v=6")));
      assertThat(logs.lines("INFO", "Snapshots are written again")).hasSize(1);
    }
  }

  @Test
  void aFullDiskCostsOneWarningAndTheClientServesFromMemory() throws Exception {
    Path snapshots = dir.resolve("full");
    Path err = dir.resolve("full.err");
    // files may not grow past 64 KiB in the child: a 100 KB snapshot fails as on a full disk (EFBIG)
    Process child = ChildJvm.start(SnapshotChild.class, 64, err, "full", snapshots.toString());
    String said = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String log = Files.readString(err);
    assertThat(child.exitValue()).as(log).isZero();
    assertThat(said).isEqualTo("heard=5 last=5= read=5=");
    assertThat(log.lines().filter(l -> l.contains(" WARN ") && l.contains("SnapshotStore")))
        .as(log).hasSize(1).allMatch(l -> l.contains("File too large") || l.contains("No space"));
    // the small snapshot written before the disk "filled" is still whole
    SnapshotStore store = new SnapshotStore(snapshots, "fake://full-" + child.pid(), "");
    assertThat(store.readConfig(ConfigKey.of("full.properties", "G"))).contains("v=small");
  }
}
