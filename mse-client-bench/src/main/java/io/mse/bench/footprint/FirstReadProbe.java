package io.mse.bench.footprint;

import io.mse.client.MseClient;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Time from creating a client to its first config read, in this (fresh) JVM, split in two: the
 * {@code builder()...build()} call and the first {@code getConfig} after it, both with class loading
 * included. Run it once per fresh JVM, with {@code -Xlog:class+load} (or {@code -verbose:class}) to see
 * which classes each part loads.
 *
 * <p>Arguments: {@code <serverAddr> <user:pass|-> <group> <dataId> [setup]}. {@code serverAddr} is a
 * Nacos {@code host:port} or {@code embedded}; for {@code embedded} the data live under
 * {@code -Dprobe.dataDir} (default {@code /tmp/mse-first-read-embedded}) so that a later JVM finds the
 * config. {@code setup} publishes the config ({@code v=1}) and exits without measuring. Prints one line:
 * {@code build_ms=<b> read_ms=<r> total_ms=<b+r>}. Fails when the read finds nothing. Bench tool only.
 *
 * <p>It ends with {@link System#exit}: on the embedded engine with a data directory, the ZooKeeper
 * server's non-daemon threads ({@code zkservermainrunner}, {@code SyncThread:0}...) were seen to outlive
 * the client's {@code close()} and keep the JVM alive (2026-12-02, reported to the lead).
 */
public final class FirstReadProbe {

  private FirstReadProbe() {}

  /** Runs the probe; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      throw new IllegalArgumentException("usage: FirstReadProbe <serverAddr> <user:pass|-> <group> <dataId> [setup]");
    }
    boolean setup = args.length > 4 && args[4].equals("setup");
    long start = System.nanoTime();
    MseClient.Builder builder = MseClient.builder().serverAddr(args[0])
        .snapshotDir(Files.createTempDirectory("mse-first-read"));
    if (args[0].equals("embedded")) {
      Path data = Path.of(System.getProperty("probe.dataDir", "/tmp/mse-first-read-embedded"));
      Files.createDirectories(data);
      builder.embeddedDataDir(data);
    }
    if (!args[1].equals("-")) {
      int colon = args[1].indexOf(':');
      builder.credentials(args[1].substring(0, colon), args[1].substring(colon + 1));
    }
    try (MseClient client = builder.build()) {
      long built = System.nanoTime();
      if (setup) {
        if (!client.config().publishConfig(args[3], args[2], "v=1")) {
          throw new IllegalStateException("could not publish " + args[3]);
        }
        client.close();
        System.exit(0);
      }
      String value = client.config().getConfig(args[3], args[2]);
      long read = System.nanoTime();
      if (value == null) {
        throw new IllegalStateException("the first read of " + args[3] + " found nothing");
      }
      System.out.printf("build_ms=%.1f read_ms=%.1f total_ms=%.1f%n", (built - start) / 1e6, (read - built) / 1e6,
          (read - start) / 1e6);
    }
    System.exit(0);
  }
}
