package io.mse.bench.sidebyside;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the side-by-side harnesses read from the environment, and how they start their child JVMs.
 *
 * <ul>
 *   <li>{@code MSE_BENCH_NACOS_V2=127.0.0.1:P}: a Nacos 2.5.1 without authentication (skipped when unset);</li>
 *   <li>{@code MSE_BENCH_NACOS_V3=127.0.0.1:P} and {@code MSE_BENCH_NACOS_V3_AUTH=user:pass}: a Nacos 3.0.3
 *       (with authentication when the second is set; skipped when the first is unset);</li>
 *   <li>{@code MSE_BENCH_RESULTS=<dir>}: where {@code <name>.tsv} goes ({@code target/bench-results} by default).</li>
 * </ul>
 */
public final class BenchEnv {

  /** A server to measure against: a label for the tables, its HTTP {@code host:port}, {@code user:pass} or null. */
  public record Server(String label, String addr, String auth) {
    @Override
    public String toString() {
      return label + " at " + addr + (auth == null ? "" : " (auth)");
    }
  }

  private BenchEnv() {
  }

  /** The servers named by the environment, 2.5.1 first; empty when none is. */
  public static List<Server> servers() {
    List<Server> servers = new ArrayList<>();
    String v2 = System.getenv("MSE_BENCH_NACOS_V2");
    if (v2 != null && !v2.isBlank()) {
      servers.add(new Server("nacos-2.5.1", v2.strip(), null));
    }
    String v3 = System.getenv("MSE_BENCH_NACOS_V3");
    if (v3 != null && !v3.isBlank()) {
      String auth = System.getenv("MSE_BENCH_NACOS_V3_AUTH");
      if (auth != null && !auth.isBlank() && !auth.contains(":")) {
        throw new IllegalArgumentException("MSE_BENCH_NACOS_V3_AUTH must be user:pass");
      }
      servers.add(new Server("nacos-3.0.3", v3.strip(), auth == null || auth.isBlank() ? null : auth.strip()));
    }
    return Collections.unmodifiableList(servers);
  }

  /** The results directory, created. */
  public static Path results() throws Exception {
    String dir = System.getenv("MSE_BENCH_RESULTS");
    Path path = Path.of(dir == null || dir.isBlank() ? "target/bench-results" : dir);
    Files.createDirectories(path);
    return path;
  }

  /**
   * A command running {@code main} in a fresh JVM on this JVM's class path, with nacos-client's
   * files (logs, config snapshots, naming cache) in a temporary directory instead of the home.
   */
  public static List<String> javaCommand(Class<?> main, List<String> jvmOptions, List<String> args) throws Exception {
    Path scratch = Files.createTempDirectory("mse-bench-nacos-sdk");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "-DJM.LOG.PATH=" + scratch.resolve("logs"), "-DJM.SNAPSHOT.PATH=" + scratch,
        "-Dcom.alibaba.nacos.naming.cache.dir=" + scratch.resolve("naming")));
    command.addAll(jvmOptions);
    command.add(main.getName());
    command.addAll(args);
    return command;
  }

  /** Nearest-rank percentile of sorted values. */
  public static long percentile(List<Long> sorted, double p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }

  /** The load averages (1/5/15 min) of {@code /proc/loadavg}, or {@code ?}. */
  public static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + "/" + parts[1] + "/" + parts[2];
    } catch (Exception e) {
      return "?";
    }
  }

  /** One server's measurements, adding rows to a table. */
  public interface ServerRun {
    void run(Server server) throws Exception;
  }

  /**
   * The main of a side-by-side harness: runs {@code run} for each server of {@link #servers()}, writes
   * {@code table} to {@code <results>/<name>.tsv}, prints its summary and exits the JVM (status 2 when
   * no server is named, with a message).
   */
  public static void runAll(String name, ServerRun run, ResultTable table) throws Exception {
    List<Server> servers = servers();
    if (servers.isEmpty()) {
      System.err.println("set MSE_BENCH_NACOS_V2=host:port and/or MSE_BENCH_NACOS_V3=host:port"
          + " (+ MSE_BENCH_NACOS_V3_AUTH=user:pass)");
      System.exit(2);
    }
    long start = System.nanoTime();
    for (Server server : servers) {
      run.run(server);
    }
    Path out = results().resolve(name + ".tsv");
    table.write(out);
    System.out.println(table.summary());
    System.out.printf("%s: %.0f s in all; rows in %s%n", name, (System.nanoTime() - start) / 1e9, out);
    System.exit(0);
  }
}
