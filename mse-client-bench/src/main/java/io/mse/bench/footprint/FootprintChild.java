package io.mse.bench.footprint;

import io.mse.bench.propagation.IdleCostHarness;
import io.mse.bench.sidebyside.BenchClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The fresh JVM of one {@link FootprintHarness} measurement, for one client. Prints
 * {@code RESULT <name> <value>} lines, then exits. Modes (arguments):
 * <ul>
 *   <li>{@code naming <ours|theirs> addr auth|- servicePrefix services instances}: heap after GC of an idle
 *       client subscribed to one empty service, then subscribed to {@code services} services of
 *       {@code instances} instances each, once every list is in its cache;</li>
 *   <li>{@code config <ours|theirs> addr auth|- group keyPrefix keys idleSeconds}: a client with naming in use (an
 *       ephemeral instance registered, a service subscribed) listening to {@code keys} configs: heap per
 *       listened config, then (after {@code GO} on standard input, so that both clients idle at once)
 *       its threads, sockets and CPU over {@code idleSeconds};</li>
 *   <li>{@code first-read <ours|theirs> addr auth|- group dataId}: time from creating the client to its first
 *       config read (ours: {@code build()} + {@code getConfig}; theirs: {@code createConfigService} +
 *       {@code getConfig}).</li>
 * </ul>
 */
public final class FootprintChild {

  private FootprintChild() {
  }

  public static void main(String[] args) throws Exception {
    String auth = args[3].equals("-") ? null : args[3];
    switch (args[0]) {
      case "naming" -> naming(args[1], args[2], auth, args[4], Integer.parseInt(args[5]), Integer.parseInt(args[6]));
      case "config" -> config(args[1], args[2], auth, args[4], args[5], Integer.parseInt(args[6]),
          Integer.parseInt(args[7]));
      case "first-read" -> firstRead(args[1], args[2], auth, args[4], args[5]);
      default -> throw new IllegalArgumentException("mode must be naming, config or first-read, was " + args[0]);
    }
    System.exit(0);
  }

  private static java.util.Map<String, long[]> lastHistogram = java.util.Map.of();

  /**
   * With {@code -Dfp.histo=N}: the N classes that grew most (bytes) since the last call, from a
   * live-heap histogram (jcmd's GC.class_histogram through the DiagnosticCommand MBean), on standard
   * error, to see what a cache holds.
   */
  private static void histogram(String when) {
    int top = Integer.getInteger("fp.histo", 0);
    if (top <= 0) {
      return;
    }
    try {
      String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
          new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
          new Object[] {null}, new String[] {String[].class.getName()});
      java.util.Map<String, long[]> now = new java.util.HashMap<>();
      for (String line : text.lines().toList()) {
        String[] parts = line.strip().split("\\s+");
        if (parts.length >= 4 && parts[0].endsWith(":")) {
          now.put(parts[3], new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])});
        }
      }
      java.util.Map<String, long[]> before = lastHistogram;
      lastHistogram = now;
      System.err.println("heap growth " + when + " (instances, bytes, class):");
      now.entrySet().stream()
          .map(e -> java.util.Map.entry(e.getKey(), new long[] {
              e.getValue()[0] - before.getOrDefault(e.getKey(), new long[2])[0],
              e.getValue()[1] - before.getOrDefault(e.getKey(), new long[2])[1]}))
          .sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1])).limit(top)
          .forEach(e -> System.err.printf("  %9d %11d  %s%n", e.getValue()[0], e.getValue()[1], e.getKey()));
    } catch (Exception e) {
      System.err.println("no histogram: " + e);
    }
  }

  private static void result(String name, Object value) {
    System.out.println("RESULT " + name + " " + value);
    System.out.flush();
  }

  private static void naming(String who, String addr, String auth, String prefix, int services, int instances)
      throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    String group = FootprintHarness.GROUP;
    try (BenchClient client = BenchClient.create(who, addr, auth)) {
      client.subscribe(prefix + "-warm", group, ports -> { });
      long before = IdleCostHarness.usedHeapAfterGc(memory);
      histogram("before");
      long start = System.nanoTime();
      for (int s = 0; s < services; s++) {
        client.subscribe(prefix + "-" + s, group, ports -> { });
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      int full = 0;
      while (System.nanoTime() < deadline) {
        full = 0;
        for (int s = 0; s < services; s++) {
          if (client.cachedInstanceCount(prefix + "-" + s, group) >= instances) {
            full++;
          }
        }
        if (full == services) {
          break;
        }
        Thread.sleep(500);
      }
      result("naming_fill_seconds", String.format("%.1f", (System.nanoTime() - start) / 1e9));
      result("naming_full_services", full);
      long after = IdleCostHarness.usedHeapAfterGc(memory);
      result("naming_heap_bytes", after - before);
      histogram("with every list cached");
    }
  }

  private static void config(String who, String addr, String auth, String group, String keyPrefix, int keys,
      int idleSeconds) throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Set<Long> jvmThreads = Thread.getAllStackTraces().keySet().stream().map(Thread::getId).collect(Collectors.toSet());
    long socketsBefore = sockets();
    try (BenchClient client = BenchClient.create(who, addr, auth)) {
      String self = keyPrefix + "-self-" + who + "-" + ProcessHandle.current().pid();
      client.register(self, FootprintHarness.GROUP, "127.0.0.1", 20000 + (int) (ProcessHandle.current().pid() % 20000));
      client.subscribe(self, FootprintHarness.GROUP, ports -> { });
      AtomicInteger delivered = new AtomicInteger();
      client.listen(keyPrefix + "-warm", group, content -> { });
      long before = IdleCostHarness.usedHeapAfterGc(memory);
      histogram("before");
      long start = System.nanoTime();
      // 8 threads add the listeners, as an application starting many components might
      java.util.concurrent.ExecutorService adders = java.util.concurrent.Executors.newFixedThreadPool(8,
          r -> new Thread(r, "fp-adder"));
      List<java.util.concurrent.Future<?>> added = new java.util.ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int first = t;
        added.add(adders.submit(() -> {
          for (int i = first; i < keys; i += 8) {
            client.listen(keyPrefix + "-" + i, group, content -> delivered.incrementAndGet());
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> future : added) {
        future.get();
      }
      adders.shutdownNow();
      if (who.equals("theirs")) {
        // nacos-client fetches a listened config in the background and then calls the listener once
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (delivered.get() < keys && System.nanoTime() < deadline) {
          Thread.sleep(200);
        }
        result("config_loaded", delivered.get());
      } else {
        // ours reads each config in addListener: it is in memory once the call returns
        result("config_loaded", keys);
      }
      result("config_fill_seconds", String.format("%.1f", (System.nanoTime() - start) / 1e9));
      long after = IdleCostHarness.usedHeapAfterGc(memory);
      result("config_heap_bytes", after - before);
      histogram("with every config listened");
      String dump = System.getProperty("fp.dump");
      if (dump != null) {
        ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class).dumpHeap(dump, true);
      }
      System.out.println("IDLE_READY");
      System.out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String go = in.readLine();
      if (!"GO".equals(go)) {
        return;
      }
      long cpuStart = os.getProcessCpuTime();
      long wallStart = System.nanoTime();
      int maxThreads = 0;
      for (int s = 0; s < idleSeconds; s++) {
        Thread.sleep(1000);
        maxThreads = Math.max(maxThreads, clientThreads(jvmThreads).size());
      }
      long cpu = os.getProcessCpuTime() - cpuStart;
      long wall = System.nanoTime() - wallStart;
      result("idle_cpu_percent", String.format("%.3f", 100.0 * cpu / wall));
      result("idle_cpu_ms", String.format("%.0f", cpu / 1e6));
      List<String> names = clientThreads(jvmThreads);
      result("threads", names.size());
      result("threads_max", maxThreads);
      result("thread_names", String.join(",", names));
      result("sockets", sockets() - socketsBefore);
    }
  }

  /** Threads started since the JVM's own (JDK housekeeping threads that come and go excluded). */
  private static List<String> clientThreads(Set<Long> jvmThreads) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !jvmThreads.contains(t.getId()))
        .map(Thread::getName)
        .filter(n -> !n.equals("Attach Listener") && !n.startsWith("process reaper") && !n.equals("fp-adder"))
        .sorted().toList();
  }

  /** Open sockets of this process: the {@code /proc/self/fd} links to {@code socket:[...]}. */
  static long sockets() throws Exception {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).toString().startsWith("socket:");
        } catch (Exception e) {
          return false;
        }
      }).count();
    }
  }

  private static void firstRead(String who, String addr, String auth, String group, String dataId) throws Exception {
    long took = BenchClient.firstReadNanos(who, addr, auth, dataId, group);
    result("first_read_ms", String.format("%.1f", took / 1e6));
  }
}
