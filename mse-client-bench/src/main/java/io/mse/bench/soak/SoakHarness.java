package io.mse.bench.soak;

import io.mse.bench.propagation.StubNacosServer;
import io.mse.client.MseClient;
import io.mse.client.naming.Instance;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A bounded soak of one client on loopback (issue 12): thousands of listened configs and hundreds of
 * subscribed services while a loopback Nacos stub ({@link StubNacosServer}, in a JVM of its own so that
 * its threads, heap and sockets are not counted) changes one of them every few milliseconds for
 * minutes. It measures the client's JVM before and after (live threads, heap after GC, open file
 * descriptors and sockets from {@code /proc/self/fd}) and checks that every final value reached its
 * listener or subscriber.
 *
 * <pre>
 * java -cp mse-client-bench/target/benchmarks.jar io.mse.bench.soak.SoakHarness \
 *     -Dkeys=2000 -Dservices=200 -DchangeEveryMillis=5 -DdurationSeconds=600
 * </pre>
 * (system properties before the class name). Prints a report and exits 0 when every final value was
 * delivered and nothing grew: threads no more than 2 over the start (the JDK's short-lived completion
 * threads on small hosts), descriptors and sockets no more than 5, heap after GC no more than 20% +
 * 16 MiB. {@link #run} is the same for a test.
 */
public final class SoakHarness {

  private static final String GROUP = "DEFAULT_GROUP";

  /**
   * What to soak.
   *
   * @param keys listened configs
   * @param services subscribed services
   * @param instancesPerService instances each service starts with (it never has fewer than one)
   * @param changeEveryMillis the pause between two changes (a config publish or an instance registered
   *     or deregistered, alternately)
   * @param durationSeconds how long changes go on
   */
  public record Settings(int keys, int services, int instancesPerService, long changeEveryMillis,
      long durationSeconds) {

    /** Reads {@code -Dkeys}, {@code -Dservices}, ... with the long run's defaults. */
    static Settings fromSystemProperties() {
      return new Settings(Integer.getInteger("keys", 2000), Integer.getInteger("services", 200),
          Integer.getInteger("instancesPerService", 3), Long.getLong("changeEveryMillis", 5),
          Long.getLong("durationSeconds", 300));
    }
  }

  /** What the JVM of the client held at one moment. */
  public record Footprint(int threads, long heapAfterGcBytes, int fileDescriptors, int sockets) {
    @Override
    public String toString() {
      return threads + " threads, " + heapAfterGcBytes / (1024 * 1024) + " MiB heap after GC, " + fileDescriptors
          + " fds, " + sockets + " sockets";
    }
  }

  /**
   * The outcome.
   *
   * @param changes changes the stub made
   * @param convergeMillis from the last change until every final value had arrived
   * @param undelivered keys and services whose final value had not arrived within 60 s
   */
  public record Report(Settings settings, long changes, Footprint before, Footprint after, long convergeMillis,
      List<String> undelivered) {

    /** Every final value delivered, and no growth beyond the tolerances of the class comment. */
    public boolean passed() {
      return undelivered.isEmpty() && after.threads() <= before.threads() + 2
          && after.fileDescriptors() <= before.fileDescriptors() + 5 && after.sockets() <= before.sockets() + 5
          && after.heapAfterGcBytes() <= before.heapAfterGcBytes() * 12 / 10 + 16L * 1024 * 1024;
    }

    @Override
    public String toString() {
      return "soak: " + settings.durationSeconds() + " s, " + settings.keys() + " configs, " + settings.services()
          + " services, " + changes + " changes (one every " + settings.changeEveryMillis() + " ms)\n"
          + "  before: " + before + "\n  after:  " + after + "\n  every final value delivered "
          + (undelivered.isEmpty() ? convergeMillis + " ms after the last change" : "NOT: " + undelivered) + "\n  "
          + (passed() ? "PASSED" : "FAILED");
    }
  }

  private SoakHarness() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 1 && args[0].equals("stub")) {
      serveStub(Settings.fromSystemProperties());
      return;
    }
    Report report = run(Settings.fromSystemProperties(), System.out);
    System.out.println(report);
    System.exit(report.passed() ? 0 : 1);
  }

  /** Runs a soak: the stub in a child JVM, the client in this one. */
  public static Report run(Settings settings, PrintStream log) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", System.getProperty("java.class.path"), "-Dkeys=" + settings.keys(),
        "-Dservices=" + settings.services(), "-DinstancesPerService=" + settings.instancesPerService(),
        "-DchangeEveryMillis=" + settings.changeEveryMillis(), "-DdurationSeconds=" + settings.durationSeconds(),
        SoakHarness.class.getName(), "stub"));
    Process stub = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Path snapshots = Files.createTempDirectory("mse-soak");
    try (BufferedReader from = new BufferedReader(new InputStreamReader(stub.getInputStream(), StandardCharsets.UTF_8));
         PrintStream to = new PrintStream(stub.getOutputStream(), true, StandardCharsets.UTF_8)) {
      String address = expect(from, "STUB ").substring(5);
      Map<String, String> heardConfigs = new ConcurrentHashMap<>();
      Map<String, String> heardServices = new ConcurrentHashMap<>();
      try (MseClient client = MseClient.builder().serverAddr(address).snapshotDir(snapshots).build()) {
        for (int i = 0; i < settings.keys(); i++) {
          String key = "soak-" + i;
          heardConfigs.put(key, client.config().getConfigAndAddListener(key, GROUP, java.time.Duration.ofSeconds(10),
              event -> heardConfigs.put(key, String.valueOf(event.content()))));
        }
        for (int s = 0; s < settings.services(); s++) {
          String service = "soak-svc-" + s;
          client.naming().subscribe(service, GROUP, event -> heardServices.put(service, ports(event.instances())));
        }
        Footprint before = settle(null);
        log.println("soak: " + settings.keys() + " configs and " + settings.services() + " services followed; "
            + before + "; changing for " + settings.durationSeconds() + " s");
        to.println("GO");
        long changes = Long.parseLong(expect(from, "DONE ").substring(5));
        long lastChange = System.nanoTime();
        Map<String, String> finalConfigs = new TreeMap<>();
        Map<String, String> finalServices = new TreeMap<>();
        for (String line = from.readLine(); line != null && !line.equals("END"); line = from.readLine()) {
          String[] parts = line.split(" ", 3);
          (parts[0].equals("C") ? finalConfigs : finalServices).put(parts[1], parts.length > 2 ? parts[2] : "");
        }
        List<String> undelivered = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        do {
          undelivered = Stream.concat(
              finalConfigs.entrySet().stream().filter(e -> !e.getValue().equals(heardConfigs.get(e.getKey())))
                  .map(Map.Entry::getKey),
              finalServices.entrySet().stream().filter(e -> !e.getValue().equals(heardServices.get(e.getKey())))
                  .map(Map.Entry::getKey)).limit(10).toList();
          if (!undelivered.isEmpty()) {
            TimeUnit.MILLISECONDS.sleep(100); // a harness polling its own counters
          }
        } while (!undelivered.isEmpty() && System.nanoTime() < deadline);
        long convergeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastChange);
        Footprint after = settle(before);
        return new Report(settings, changes, before, after, convergeMillis, undelivered);
      }
    } finally {
      stub.destroy();
      stub.waitFor(10, TimeUnit.SECONDS);
      try (Stream<Path> files = Files.walk(snapshots)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The ports of a list, sorted, comma-separated: how the stub reports a service's final state. */
  private static String ports(List<Instance> instances) {
    return instances.stream().map(Instance::port).sorted().map(String::valueOf).collect(Collectors.joining(","));
  }

  /**
   * Measures once things are quiet: after GC, and (when {@code before} is given) once the thread count
   * is back within it, or 10 s passed (short-lived JDK completion threads come and go).
   */
  private static Footprint settle(Footprint before) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Footprint now;
    do {
      TimeUnit.MILLISECONDS.sleep(500);
      now = footprint();
    } while (before != null && now.threads() > before.threads() && System.nanoTime() < deadline);
    return now;
  }

  private static Footprint footprint() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
    int fds = -1;
    int sockets = -1;
    Path fdDir = Path.of("/proc/self/fd");
    if (Files.isDirectory(fdDir)) {
      try (Stream<Path> open = Files.list(fdDir)) {
        List<String> targets = open.map(p -> {
          try {
            return Files.readSymbolicLink(p).toString();
          } catch (IOException e) {
            return "";
          }
        }).toList();
        fds = targets.size();
        sockets = (int) targets.stream().filter(t -> t.startsWith("socket:")).count();
      } catch (IOException e) {
        // not Linux: left unknown
      }
    }
    return new Footprint(threads, heap, fds, sockets);
  }

  private static String expect(BufferedReader from, String prefix) throws IOException {
    for (String line = from.readLine(); line != null; line = from.readLine()) {
      if (line.startsWith(prefix)) {
        return line;
      }
    }
    throw new IllegalStateException("the stub ended before saying '" + prefix.strip() + "'");
  }

  /** Child mode: the stub, then the changes on "GO", then the final state; ends when its input closes. */
  private static void serveStub(Settings settings) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Random random = new Random(12);
    Map<Integer, TreeSet<Integer>> instances = new TreeMap<>();
    Map<Integer, Integer> versions = new TreeMap<>();
    try (StubNacosServer stub = new StubNacosServer()) {
      String base = "http://" + stub.address() + "/nacos/v1";
      for (int i = 0; i < settings.keys(); i++) {
        stub.putConfig("soak-" + i, GROUP, "v=0");
        versions.put(i, 0);
      }
      for (int s = 0; s < settings.services(); s++) {
        instances.put(s, new TreeSet<>());
        for (int p = 0; p < settings.instancesPerService(); p++) {
          instance(http, base, "POST", s, 20000 + p);
          instances.get(s).add(20000 + p);
        }
      }
      System.out.println("STUB " + stub.address());
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      if (!"GO".equals(in.readLine())) {
        return;
      }
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.durationSeconds());
      long changes = 0;
      while (System.nanoTime() < end) {
        if (changes % 2 == 0) {
          int key = random.nextInt(settings.keys());
          int version = versions.merge(key, 1, Integer::sum);
          String form = "dataId=soak-" + key + "&group=" + GROUP + "&content=" + URLEncoder.encode("v=" + version,
              StandardCharsets.UTF_8);
          send(http, HttpRequest.newBuilder(URI.create(base + "/cs/configs"))
              .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)));
        } else {
          int service = random.nextInt(settings.services());
          TreeSet<Integer> held = instances.get(service);
          int port = 20000 + random.nextInt(settings.instancesPerService() * 2);
          if (held.contains(port) && held.size() > 1) {
            instance(http, base, "DELETE", service, port);
            held.remove(port);
          } else if (!held.contains(port)) {
            instance(http, base, "POST", service, port);
            held.add(port);
          }
        }
        changes++;
        TimeUnit.MILLISECONDS.sleep(settings.changeEveryMillis());
      }
      System.out.println("DONE " + changes);
      versions.forEach((key, version) -> System.out.println("C soak-" + key + " v=" + version));
      instances.forEach((service, ports) -> System.out.println("S soak-svc-" + service + " "
          + ports.stream().map(String::valueOf).collect(Collectors.joining(","))));
      System.out.println("END");
      System.out.flush();
      while (in.readLine() != null) {
        // until the harness closes our input
      }
    }
  }

  private static void instance(HttpClient http, String base, String method, int service, int port) throws Exception {
    String params = "serviceName=" + GROUP + "%40%40soak-svc-" + service + "&groupName=" + GROUP + "&ip=127.0.0.1&port="
        + port + "&ephemeral=true";
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/ns/instance?" + params));
    send(http, method.equals("DELETE") ? request.DELETE() : request.POST(HttpRequest.BodyPublishers.noBody()));
  }

  private static void send(HttpClient http, HttpRequest.Builder request) throws Exception {
    HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("the stub answered " + answer.statusCode() + " " + answer.body());
    }
  }
}
