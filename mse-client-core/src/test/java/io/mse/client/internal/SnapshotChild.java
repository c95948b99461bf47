package io.mse.client.internal;

import io.mse.client.MseClient;
import io.mse.client.config.ConfigKey;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM of {@link SnapshotDurabilityTest}:
 * <ul>
 *   <li>{@code crash <dir>}: writes the snapshot of one config over and over, 4 MiB of 'a' then of
 *       'b', saying "written N" after each, until it is killed;</li>
 *   <li>{@code full <dir>}: a client (fake engine) listens to a config whose content grows past the
 *       file size limit the parent set, and says what its listener and its reads saw.</li>
 * </ul>
 */
public final class SnapshotChild {

  static final int BIG = 4 * 1024 * 1024;
  static final ConfigKey KEY = ConfigKey.of("crash.properties", "G");

  private SnapshotChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[1]);
    PrintStream out = System.out;
    if (args[0].equals("crash")) {
      SnapshotStore store = new SnapshotStore(dir, "crash", "");
      String a = "a".repeat(BIG);
      String b = "b".repeat(BIG);
      for (long n = 1; ; n++) {
        store.writeConfig(KEY, n % 2 == 0 ? b : a);
        out.println("written " + n);
        out.flush();
      }
    }
    List<String> heard = new CopyOnWriteArrayList<>();
    try (MseClient client = MseClient.builder().serverAddr("fake://full-" + ProcessHandle.current().pid())
        .snapshotDir(dir).build()) {
      client.config().publishConfig("full.properties", "G", "v=small");
      client.config().getConfigAndAddListener("full.properties", "G", Duration.ofSeconds(5),
          event -> heard.add(event.content()));
      for (int i = 1; i <= 5; i++) {
        client.config().publishConfig("full.properties", "G", i + "=" + "x".repeat(100 * 1024));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (heard.size() < 5 && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(20); // a child process polling its own listener, not a test's wait
      }
      String read = client.config().getConfig("full.properties", "G");
      out.println("heard=" + heard.size() + " last=" + heard.get(heard.size() - 1).substring(0, 2) + " read="
          + read.substring(0, 2));
    }
  }
}
