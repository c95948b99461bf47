package io.mse.bench.propagation;

import io.mse.client.MseClient;
import io.mse.client.config.ConfigListener;
import io.mse.client.naming.Instance;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The background cost and footprint of one client (issue 3), against {@link StubNacosServer} on
 * loopback, which holds long polls like a real server (hold = {@code Long-Pulling-Timeout} − 0.5 s):
 * <ul>
 *   <li>a client with naming in use (an ephemeral instance, a subscription with push) listening to
 *       {@code keys} (10,000) configs of 1 KiB, left idle for {@code idleSeconds} (60): the CPU time
 *       of the client's threads (ThreadMXBean) and of the whole process, the most long polls the
 *       stub held at once, the client's threads, and the threads started while idle;</li>
 *   <li>heap per listened 1 KiB config: used heap after full GCs, before and after adding the
 *       listeners, divided by the keys;</li>
 *   <li>time from creating a client to its first config read, each in a fresh JVM ({@code runs}, 5).</li>
 * </ul>
 * Run: {@code java -Xms1g -Xmx1g -XX:+UseG1GC -cp mse-client-bench/target/benchmarks.jar
 * io.mse.bench.propagation.IdleCostHarness} ({@code -Dkeys=... -DidleSeconds=... -Druns=...}).
 */
public final class IdleCostHarness {

  private static final String GROUP = "DEFAULT_GROUP";
  /** Reads the stub's counters; made before any measurement, so its selector thread is not counted. */
  private static final java.net.http.HttpClient STATS = java.net.http.HttpClient.newBuilder()
      .executor(Runnable::run).build();

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("first-read")) {
      firstRead(args[1]);
      return;
    }
    int keys = Integer.getInteger("keys", 10_000);
    if (args.length == 1 && args[0].equals("stub")) {
      serveStub(keys);
      return;
    }
    int idleSeconds = Integer.getInteger("idleSeconds", 60);
    int runs = Integer.getInteger("runs", 5);
    // The stub runs in its own JVM, so that its held polls count neither in our heap nor in our CPU.
    Process stubProcess = new ProcessBuilder(javaCommand("-Dkeys=" + keys, "stub"))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(
          stubProcess.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
      String line = lines.readLine();
      if (line == null || !line.startsWith("STUB ")) {
        throw new IllegalStateException("the stub did not start: " + line);
      }
      String addr = line.substring(5);
      System.out.printf("Idle cost harness: stub %s (own JVM), %d keys of 1 KiB, %d s idle%n", addr, keys, idleSeconds);
      firstReads(addr, runs);
      idle(addr, keys, idleSeconds);
    } finally {
      stubProcess.getOutputStream().close();
      stubProcess.waitFor(10, TimeUnit.SECONDS);
      stubProcess.destroy();
    }
    System.exit(0);
  }

  /** Child mode: a stub holding {@code keys} configs of 1 KiB; stops when its input closes. */
  private static void serveStub(int keys) throws Exception {
    String content = "x".repeat(1024);
    try (StubNacosServer stub = new StubNacosServer()) {
      for (int i = 0; i < keys; i++) {
        stub.putConfig("idle-" + i, GROUP, content);
      }
      stub.putConfig("first-read.properties", GROUP, "k=v");
      System.out.println("STUB " + stub.address());
      System.out.flush();
      while (System.in.read() >= 0) {
        // until the harness closes our input
      }
    }
    System.exit(0);
  }

  private static List<String> javaCommand(String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path")));
    if (args.length > 0 && args[0].startsWith("-D")) {
      command.add(args[0]);
      args = Arrays.copyOfRange(args, 1, args.length);
    }
    command.add(IdleCostHarness.class.getName());
    command.addAll(List.of(args));
    return command;
  }

  /** Reads the stub's poll counters: held now, most held at once, received; {@code reset} restarts "most". */
  private static long[] stubStats(String addr, boolean reset) throws Exception {
    String body = STATS.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + addr + "/stub/stats"
        + (reset ? "?reset=true" : ""))).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    return Arrays.stream(body.strip().split(" ")).mapToLong(Long::parseLong).toArray();
  }

  /** Child mode: creates a client, reads one config, prints the milliseconds it took. */
  private static void firstRead(String addr) throws Exception {
    Path dir = Files.createTempDirectory("mse-first-read");
    long start = System.nanoTime();
    try (MseClient client = MseClient.builder().serverAddr(addr).snapshotDir(dir).build()) {
      long built = System.nanoTime();
      String value = client.config().getConfig("first-read.properties", GROUP);
      long took = System.nanoTime() - start;
      System.out.println("FIRST_READ_NANOS " + took + " " + value + " (build " + (built - start) / 1_000_000 + " ms)");
    }
    System.exit(0);
  }

  private static void firstReads(String addr, int runs) throws Exception {
    List<Double> millis = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      Process child = new ProcessBuilder(javaCommand("first-read", addr)).redirectErrorStream(true).start();
      String out = new String(child.getInputStream().readAllBytes());
      child.waitFor(60, TimeUnit.SECONDS);
      for (String line : out.split("\n")) {
        if (line.startsWith("FIRST_READ_NANOS ")) {
          millis.add(Long.parseLong(line.split(" ")[1]) / 1e6);
          System.out.println("  " + line);
        }
      }
    }
    List<Double> sorted = millis.stream().sorted().toList();
    if (sorted.isEmpty()) {
      return;
    }
    System.out.printf("%-48s runs=%d  median=%.0f ms  min=%.0f ms  max=%.0f ms  (fresh JVM each: build() + getConfig)%n",
        "create client -> first config read", sorted.size(), sorted.get(sorted.size() / 2), sorted.get(0),
        sorted.get(sorted.size() - 1));
  }

  private static void idle(String addr, int keys, int idleSeconds) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Set<Long> before = Arrays.stream(threads.getAllThreadIds()).boxed().collect(Collectors.toSet());
    try (MseClient client = MseClient.builder().serverAddr(addr)
        .snapshotDir(Files.createTempDirectory("mse-idle")).build()) {
      client.naming().registerInstance("idle-svc", GROUP, Instance.of("127.0.0.1", 18080));
      client.naming().subscribe("idle-svc", GROUP, event -> { });
      ConfigListener listener = event -> { };
      client.config().addListener("idle-warm", GROUP, listener);
      long heapBefore = usedHeapAfterGc(memory);
      long addStart = System.nanoTime();
      for (int i = 0; i < keys; i++) {
        client.config().addListener("idle-" + i, GROUP, listener);
      }
      System.out.printf("%-48s %.1f s%n", "adding the listeners (one read each)", (System.nanoTime() - addStart) / 1e9);
      long[] setup = awaitPolls(addr, (keys + 2999) / 3000);
      long heapAfter = usedHeapAfterGc(memory);
      System.out.printf("%-48s %.0f B per key (%d keys, %.1f MB in all; the 1 KiB content itself is ~1.05 KB)%n",
          "heap per listened 1 KiB config", (heapAfter - heapBefore) / (double) keys, keys,
          (heapAfter - heapBefore) / 1e6);

      Map<Long, Long> cpuStart = clientThreadCpu(threads, before);
      long processStart = os.getProcessCpuTime();
      long startedBefore = threads.getTotalStartedThreadCount();
      long pollsBefore = stubStats(addr, true)[2];
      long wallStart = System.nanoTime();
      int maxClientThreads = 0;
      for (int s = 0; s < idleSeconds; s++) {
        Thread.sleep(1000);
        maxClientThreads = Math.max(maxClientThreads, clientThreadNames(threads, before).size());
      }
      long wall = System.nanoTime() - wallStart;
      Map<Long, Long> cpuEnd = clientThreadCpu(threads, before);
      long clientCpu = 0;
      for (Map.Entry<Long, Long> end : cpuEnd.entrySet()) {
        clientCpu += end.getValue() - cpuStart.getOrDefault(end.getKey(), 0L);
      }
      long processCpu = os.getProcessCpuTime() - processStart;
      System.out.printf("%-48s %.3f%% of one core (%.0f ms CPU in %.0f s)%n", "idle CPU, client threads",
          100.0 * clientCpu / wall, clientCpu / 1e6, wall / 1e9);
      System.out.printf("%-48s %.3f%% of one core (JIT and GC included; the stub runs in its own JVM)%n", "idle CPU, whole process",
          100.0 * processCpu / wall);
      long[] stats = stubStats(addr, false);
      System.out.printf("%-48s %d while idle, %d in all (polls received while idle: %d; the stub keeps holding a"
          + " poll the client cancelled while adding keys, as a server may)%n", "max concurrent polls held by the stub",
          stats[1], setup[1], stats[2] - pollsBefore);
      List<String> names = clientThreadNames(threads, before);
      System.out.printf("%-48s %d now, at most %d sampled: %s%n", "client threads", names.size(), maxClientThreads,
          names);
      System.out.printf("%-48s %d (JDK HttpClient: one short-lived thread per completed async request on < 3 CPUs)%n", "threads started while idle",
          threads.getTotalStartedThreadCount() - startedBefore);
    }
  }

  /** Waits until the stub holds a poll per batch, and every poll the client cancelled has run out. */
  private static long[] awaitPolls(String addr, int batches) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    long[] stats = stubStats(addr, false);
    while (stats[0] != batches && System.nanoTime() < deadline) {
      Thread.sleep(200);
      stats = stubStats(addr, false);
    }
    return stats;
  }

  /** Used heap after five full GCs (the least seen), in bytes. */
  public static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(200);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /** Threads started since {@code before}, except the stub's, the harness's and the JVM's own. */
  private static List<String> clientThreadNames(ThreadMXBean threads, Set<Long> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t.getId()) && isClientThread(t.getName()))
        .map(Thread::getName).sorted().toList();
  }

  private static Map<Long, Long> clientThreadCpu(ThreadMXBean threads, Set<Long> before) {
    Map<Long, Long> cpu = new HashMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (!before.contains(t.getId()) && isClientThread(t.getName())) {
        cpu.put(t.getId(), threads.getThreadCpuTime(t.getId()));
      }
    }
    return cpu;
  }

  private static boolean isClientThread(String name) {
    return !name.equals("Attach Listener") && !name.startsWith("process reaper");
  }
}
