package io.mse.bench.footprint;

import com.alibaba.nacos.api.naming.NamingFactory;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.pojo.Instance;
import io.mse.bench.propagation.PropagationHarness;
import io.mse.bench.sidebyside.BenchEnv;
import io.mse.bench.sidebyside.ResultTable;
import io.mse.client.MseClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Scale and footprint, our client and nacos-client 2.5.1 side by side on the same real server
 * (issue 11), each measured in a fresh child JVM ({@link FootprintChild}, {@code -Xmx1g -XX:+UseG1GC}).
 * Per server named by {@link BenchEnv}:
 * <ol>
 *   <li>fills the server once, for both clients: {@code services} (1,000) services of {@code instances}
 *       (100) ephemeral instances each, registered by one nacos-client connection in this JVM with the
 *       gRPC {@code batchRegisterInstance} (one request per service; they live as long as that
 *       connection), and {@code keys} (10,000) configs of 1 KiB in group {@value #CONFIG_GROUP} (published
 *       8 at a time; kept on the server and reused by later runs when the last one is in place);</li>
 *   <li>naming cache: heap after GC of a client subscribed to every service once every list is cached,
 *       minus the same client subscribed to one empty service (ours and theirs at the same time);</li>
 *   <li>configs: heap per listened 1 KiB config (after GC, minus the client before listening), then,
 *       with both clients idle at the same time for {@code idleSeconds} (30): process CPU, the client's
 *       threads (a client with config and naming in use: an instance registered, a service subscribed)
 *       and its sockets ({@code /proc/self/fd});</li>
 *   <li>time from creating a client to its first config read, {@code runs} (5) fresh JVMs each, ours and
 *       theirs alternating.</li>
 * </ol>
 * Rows go to {@code $MSE_BENCH_RESULTS/footprint.tsv}. Run: {@code java -cp
 * mse-client-bench/target/benchmarks.jar io.mse.bench.footprint.FootprintHarness} with the
 * {@code MSE_BENCH_*} variables. System properties: {@code services}, {@code instances}, {@code keys},
 * {@code idleSeconds}, {@code runs}.
 */
public final class FootprintHarness {

  static final String GROUP = "DEFAULT_GROUP";
  static final String CONFIG_GROUP = "MSE_BENCH_FP";
  private static final String KEY_PREFIX = "fp-cfg";
  private static final int IMPORT_CHUNK = 2000;
  private static final String FIRST_READ = "fp-first-read";
  private static final List<String> WHO = List.of("ours", "theirs");
  private static final List<String> CHILD_JVM = System.getProperty("fp.histo") == null
      ? List.of("-Xmx1g", "-XX:+UseG1GC")
      : List.of("-Xmx1g", "-XX:+UseG1GC", "-Dfp.histo=" + System.getProperty("fp.histo"));

  private final int services = Integer.getInteger("services", 1000);
  private final int instances = Integer.getInteger("instances", 100);
  private final int keys = Integer.getInteger("keys", 10_000);
  private final int idleSeconds = Integer.getInteger("idleSeconds", 30);
  private final int runs = Integer.getInteger("runs", 5);
  private final ResultTable table = new ResultTable();

  private FootprintHarness() {
  }

  public static void main(String[] args) throws Exception {
    FootprintHarness harness = new FootprintHarness();
    BenchEnv.runAll("footprint", harness::run, harness.table);
  }

  /** The 1 KiB content of config {@code i}: distinct per config. */
  static String content(int i) {
    String head = String.format("k%05d=", i);
    return head + "x".repeat(1024 - head.length());
  }

  private void run(BenchEnv.Server server) throws Exception {
    String section = "footprint " + server.label();
    String loadBefore = BenchEnv.loadAverage();
    long started = System.nanoTime();
    String prefix = "fp-" + UUID.randomUUID().toString().substring(0, 8) + "-svc";
    System.out.printf("%n== %s: %s, load %s%n", section, server, loadBefore);
    MseClient.Builder builder = MseClient.builder().serverAddr(server.addr())
        .snapshotDir(Files.createTempDirectory("mse-bench-filler"));
    if (server.auth() != null) {
      int colon = server.auth().indexOf(':');
      builder.credentials(server.auth().substring(0, colon), server.auth().substring(colon + 1));
    }
    String configFill;
    try (MseClient filler = builder.build()) {
      configFill = fillConfigs(filler, server);
    }
    Properties properties = new Properties();
    properties.put("serverAddr", server.addr());
    if (server.auth() != null) {
      int colon = server.auth().indexOf(':');
      properties.put("username", server.auth().substring(0, colon));
      properties.put("password", server.auth().substring(colon + 1));
    }
    NamingService registrar = NamingFactory.createNamingService(properties);
    String namingFill;
    try {
      namingFill = fillServices(registrar, prefix);
      Map<String, Map<String, String>> naming = children(server, "naming", List.of(prefix,
          String.valueOf(services), String.valueOf(instances)), false);
      namingRows(section, naming, namingFill);
    } finally {
      registrar.shutDown(); // its connection closes: the server drops all its instances
    }
    Map<String, Map<String, String>> config = children(server, "config", List.of(CONFIG_GROUP, KEY_PREFIX,
        String.valueOf(keys), String.valueOf(idleSeconds)), true);
    configRows(section, config, configFill);
    firstReads(section, server);
    table.add(section, "run conditions", "-", "-", "-", "-", null, String.format(
        "load average (1/5/15 min) %s before, %s after; %.0f s; child JVMs %s, ours and theirs at the same time"
            + " except the first reads; %s", loadBefore, BenchEnv.loadAverage(), (System.nanoTime() - started) / 1e9,
        String.join(" ", CHILD_JVM), Runtime.version()));
  }

  private String fillConfigs(MseClient filler, BenchEnv.Server server) throws Exception {
    long start = System.nanoTime();
    filler.config().publishConfig(FIRST_READ, GROUP, "first=read");
    filler.config().publishConfig(KEY_PREFIX + "-warm", CONFIG_GROUP, "warm");
    if (content(keys - 1).equals(filler.config().getConfig(KEY_PREFIX + "-" + (keys - 1), CONFIG_GROUP))
        && content(0).equals(filler.config().getConfig(KEY_PREFIX + "-0", CONFIG_GROUP))) {
      return "configs already on the server (kept from an earlier run)";
    }
    String how = importConfigs(server);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!content(keys - 1).equals(filler.config().getConfig(KEY_PREFIX + "-" + (keys - 1), CONFIG_GROUP))
        && System.nanoTime() < deadline) {
      Thread.sleep(200); // the server dumps imported configs asynchronously
    }
    String note = String.format("%d configs imported in %.1f s (one zip, %s)", keys,
        (System.nanoTime() - start) / 1e9, how);
    System.out.println(note);
    return note;
  }

  /**
   * Imports the configs in one request: a zip of {@code group/dataId} entries and a
   * {@code .metadata.yml}, the import format of both lines: {@code POST /v1/cs/configs?import=true} on
   * 2.x, {@code POST /v3/admin/cs/config/import} on 3.x (where the v1 one answers 410).
   */
  private String importConfigs(BenchEnv.Server server) throws Exception {
    String how = null;
    for (int from = 0; from < keys; from += IMPORT_CHUNK) {
      how = importConfigs(server, from, Math.min(keys, from + IMPORT_CHUNK));
    }
    return how + ", " + IMPORT_CHUNK + " configs per zip (the server takes at most 1 MiB per upload)";
  }

  private String importConfigs(BenchEnv.Server server, int from, int to) throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    StringBuilder metadata = new StringBuilder("metadata:\n");
    try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
      for (int i = from; i < to; i++) {
        zip.putNextEntry(new java.util.zip.ZipEntry(CONFIG_GROUP + "/" + KEY_PREFIX + "-" + i));
        zip.write(content(i).getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
        metadata.append("- dataId: ").append(KEY_PREFIX).append('-').append(i).append("\n  group: ")
            .append(CONFIG_GROUP).append("\n  type: text\n");
      }
      zip.putNextEntry(new java.util.zip.ZipEntry(".metadata.yml"));
      zip.write(metadata.toString().getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    okhttp3.OkHttpClient http = new okhttp3.OkHttpClient.Builder().readTimeout(300, TimeUnit.SECONDS).build();
    String base = PropagationHarness.baseUrl(server.addr());
    String token = null;
    if (server.auth() != null) {
      int colon = server.auth().indexOf(':');
      token = PropagationHarness.login(http, base, server.auth().substring(0, colon), server.auth().substring(colon + 1));
    }
    okhttp3.RequestBody body = new okhttp3.MultipartBody.Builder().setType(okhttp3.MultipartBody.FORM)
        .addFormDataPart("file", "configs.zip", okhttp3.RequestBody.create(bytes.toByteArray(),
            okhttp3.MediaType.get("application/zip"))).build();
    String answer = "";
    for (String path : List.of("/v1/cs/configs?import=true&namespace=&policy=OVERWRITE",
        "/v3/admin/cs/config/import?policy=OVERWRITE")) {
      okhttp3.Request.Builder request = new okhttp3.Request.Builder().url(base + path).post(body);
      if (token != null) {
        request.header("accessToken", token);
      }
      try (okhttp3.Response response = http.newCall(request.build()).execute()) {
        answer = response.code() + " " + response.body().string();
        if (response.isSuccessful() && answer.contains("uccess")) {
          return "POST " + path.substring(0, path.indexOf('?'));
        }
      }
    }
    throw new IllegalStateException("the server refused the config import: " + answer);
  }

  private String fillServices(NamingService registrar, String prefix) throws Exception {
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int first = t;
        done.add(pool.submit(() -> {
          for (int s = first; s < services; s += 4) {
            List<Instance> batch = new ArrayList<>(instances);
            for (int i = 0; i < instances; i++) {
              Instance instance = new Instance();
              instance.setIp("10.1." + (i / 250) + "." + (i % 250 + 1));
              instance.setPort(8000 + s % 1000);
              instance.setWeight(1.0);
              instance.setMetadata(Map.of("version", "1.0." + (i % 3)));
              batch.add(instance);
            }
            registrar.batchRegisterInstance(prefix + "-" + s, GROUP, batch);
          }
          return null;
        }));
      }
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
    String note = String.format("%d x %d instances registered in %.1f s (gRPC batchRegisterInstance, one request per"
        + " service, 4 at a time; one metadata entry each)", services, instances, (System.nanoTime() - start) / 1e9);
    System.out.println(note);
    return note;
  }

  /** Runs one child per client at the same time; returns each one's RESULT values. */
  private Map<String, Map<String, String>> children(BenchEnv.Server server, String mode, List<String> extra,
      boolean idlePhase) throws Exception {
    Map<String, Map<String, String>> results = new ConcurrentHashMap<>();
    CountDownLatch idleReady = new CountDownLatch(WHO.size());
    List<Process> processes = new ArrayList<>();
    List<Thread> readers = new ArrayList<>();
    for (String who : WHO) {
      List<String> args = new ArrayList<>(List.of(mode, who, server.addr(), server.auth() == null ? "-" : server.auth()));
      args.addAll(extra);
      Process process = new ProcessBuilder(BenchEnv.javaCommand(FootprintChild.class, CHILD_JVM, args))
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      processes.add(process);
      Map<String, String> values = new ConcurrentHashMap<>();
      results.put(who, values);
      Thread reader = new Thread(() -> {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
          String line;
          while ((line = lines.readLine()) != null) {
            if (line.startsWith("RESULT ")) {
              String[] parts = line.split(" ", 3);
              values.put(parts[1], parts.length > 2 ? parts[2] : "");
              System.out.println("  [" + who + "] " + parts[1] + " " + (parts.length > 2 ? parts[2] : ""));
            } else if (line.equals("IDLE_READY")) {
              idleReady.countDown();
            } else {
              System.out.println("  [" + who + "] " + line);
            }
          }
        } catch (Exception e) {
          System.err.println("[" + who + "] reader stopped: " + e);
        }
      }, "reader-" + who);
      reader.setDaemon(true);
      reader.start();
      readers.add(reader);
    }
    if (idlePhase) {
      boolean ready = idleReady.await(300, TimeUnit.SECONDS);
      for (Process process : processes) {
        OutputStream in = process.getOutputStream();
        in.write((ready ? "GO\n" : "STOP\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
      }
    }
    for (Process process : processes) {
      if (!process.waitFor(400, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
    for (Thread reader : readers) {
      reader.join(5000);
    }
    return results;
  }

  private void namingRows(String section, Map<String, Map<String, String>> r, String fill) {
    Map<String, String> ours = r.get("ours");
    Map<String, String> theirs = r.get("theirs");
    Long o = asLong(ours.get("naming_heap_bytes"));
    Long t = asLong(theirs.get("naming_heap_bytes"));
    Boolean met = o == null || t == null ? null : o * 3 <= t;
    table.add(section, "naming cache heap, " + services + " x " + instances + " instances", mb(o), mb(t), "MB",
        "<= 1/3 of theirs", met, "after GC, minus the client subscribed to one empty service; ratio "
            + (o == null || t == null ? "-" : String.format("%.2f", o / (double) t)) + "; services fully cached: ours "
            + ours.get("naming_full_services") + ", theirs " + theirs.get("naming_full_services") + "; " + fill);
    table.add(section, "naming cache: subscribe all and cache every list", ours.get("naming_fill_seconds"),
        theirs.get("naming_fill_seconds"), "s", "-", null, "both clients at once");
  }

  private void configRows(String section, Map<String, Map<String, String>> r, String fill) {
    Map<String, String> ours = r.get("ours");
    Map<String, String> theirs = r.get("theirs");
    Long o = asLong(ours.get("config_heap_bytes"));
    Long t = asLong(theirs.get("config_heap_bytes"));
    table.add(section, "heap per listened 1 KiB config", perKey(o), perKey(t), "B", "<= 1300", o == null ? null
        : o / (double) keys <= 1300, keys + " configs listened, after GC; content 1,024 ASCII chars; loaded: ours "
            + ours.get("config_loaded") + ", theirs " + theirs.get("config_loaded") + "; " + fill);
    table.add(section, "listen to all configs (until all loaded)", ours.get("config_fill_seconds"),
        theirs.get("config_fill_seconds"), "s", "-", null, null);
    Long threadsOurs = asLong(ours.get("threads"));
    table.add(section, "threads of a client with naming + config", ours.get("threads"), theirs.get("threads"),
        "threads", "<= 6", threadsOurs == null ? null : threadsOurs <= 6, "at most while idle: ours "
            + ours.get("threads_max") + ", theirs " + theirs.get("threads_max") + "; ours: " + ours.get("thread_names"));
    table.add(section, "sockets held, " + keys + " configs listened", ours.get("sockets"), theirs.get("sockets"),
        "sockets", "-", null, "/proc/self/fd sockets opened by the client (TCP and UDP)");
    table.add(section, "idle CPU, " + keys + " configs listened", ours.get("idle_cpu_percent"),
        theirs.get("idle_cpu_percent"), "% of a core", "-", null, "process CPU time over " + idleSeconds
            + " s idle (JIT and GC included): ours " + ours.get("idle_cpu_ms") + " ms, theirs "
            + theirs.get("idle_cpu_ms") + " ms");
  }

  private void firstReads(String section, BenchEnv.Server server) throws Exception {
    Map<String, List<Double>> millis = new ConcurrentHashMap<>();
    for (int i = 0; i < runs; i++) {
      for (String who : WHO) {
        Process child = new ProcessBuilder(BenchEnv.javaCommand(FootprintChild.class, CHILD_JVM, List.of("first-read",
            who, server.addr(), server.auth() == null ? "-" : server.auth(), GROUP, FIRST_READ)))
            .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        child.waitFor(60, TimeUnit.SECONDS);
        for (String line : out.split("\n")) {
          if (line.startsWith("RESULT first_read_ms ")) {
            millis.computeIfAbsent(who, k -> new ArrayList<>()).add(Double.parseDouble(line.substring(21).strip()));
          }
        }
      }
    }
    List<Double> ours = millis.getOrDefault("ours", List.of()).stream().sorted().toList();
    List<Double> theirs = millis.getOrDefault("theirs", List.of()).stream().sorted().toList();
    table.add(section, "create client -> first config read (median)", median(ours), median(theirs), "ms", "<= 150",
        ours.isEmpty() ? null : ours.get(ours.size() / 2) <= 150, "fresh JVM each, " + runs + " runs each; ours "
            + ours + ", theirs " + theirs + " (theirs: createConfigService + getConfig)");
  }

  private static String median(List<Double> sorted) {
    return sorted.isEmpty() ? "-" : ResultTable.ms(sorted.get(sorted.size() / 2));
  }

  private static Long asLong(String value) {
    try {
      return value == null ? null : Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String mb(Long bytes) {
    return bytes == null ? "-" : String.format("%.1f", bytes / 1e6);
  }

  private String perKey(Long bytes) {
    return bytes == null ? "-" : String.format("%.0f", bytes / (double) keys);
  }

}
