package io.mse.bench.propagation;

import io.mse.client.MseClient;
import io.mse.client.spi.Md5;
import io.mse.client.naming.Instance;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Measures propagation across processes (issue 3): config publish → listener in another process,
 * instance change → subscriber event in another process (p50/p99/max over N changes), and the
 * server's own floor: how long a waiting long poll takes to be answered after a publish.
 *
 * <p>Against a real server: {@code MSE_IT_NACOS_ADDR=127.0.0.1:8848 java -cp benchmarks.jar
 * io.mse.bench.propagation.PropagationHarness} (plus {@code MSE_IT_NACOS_USERNAME}/{@code _PASSWORD}).
 * Without {@code MSE_IT_NACOS_ADDR} it starts {@link StubNacosServer} on loopback, whose floor is
 * about zero, so what it prints is what the client itself adds. System properties:
 * {@code changes} (default 200), {@code configIntervalMs} (250), {@code namingIntervalMs}
 * (1000 on a real server, 50 on the stub).
 */
public final class PropagationHarness {

  static final String GROUP = "DEFAULT_GROUP";

  private final Map<String, Long> configArrivals = new ConcurrentHashMap<>();
  private final Map<Integer, Long> portArrivals = new ConcurrentHashMap<>();
  private final CountDownLatch ready = new CountDownLatch(1);
  private volatile String threadLine = "";

  public static void main(String[] args) throws Exception {
    new PropagationHarness().run();
    System.exit(0);
  }

  void run() throws Exception {
    String addr = System.getenv("MSE_IT_NACOS_ADDR");
    String user = System.getenv("MSE_IT_NACOS_USERNAME");
    String pass = System.getenv("MSE_IT_NACOS_PASSWORD");
    StubNacosServer stub = null;
    if (addr == null || addr.isBlank()) {
      stub = new StubNacosServer();
      addr = stub.address();
    }
    int changes = Integer.getInteger("changes", 200);
    long configInterval = Long.getLong("configIntervalMs", 250);
    long namingInterval = Long.getLong("namingIntervalMs", stub == null ? 1000 : 50);
    String run = "prop-" + UUID.randomUUID().toString().substring(0, 8);
    String dataId = run + ".properties";
    String service = run + "-svc";
    System.out.printf("Propagation harness against %s (%s), %d changes%n", addr, stub == null ? "real server" : "stub",
        changes);

    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), ListenerProcess.class.getName(), addr, dataId, service));
    if (user != null && pass != null) {
      command.add(user);
      command.add(pass);
    }
    Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Thread reader = new Thread(() -> read(child), "harness-reader");
    reader.setDaemon(true);
    reader.start();
    if (!ready.await(60, TimeUnit.SECONDS)) {
      child.destroyForcibly();
      throw new IllegalStateException("the listener process did not start");
    }
    System.out.println("listener process " + threadLine);

    MseClient.Builder builder = MseClient.builder().serverAddr(addr).snapshotDir(Files.createTempDirectory("mse-harness"));
    if (user != null && pass != null) {
      builder.credentials(user, pass);
    }
    try (MseClient client = builder.build(); OutputStream childInput = child.getOutputStream()) {
      measureConfig(client, dataId, changes, configInterval);
      measureNaming(client, service, changes, namingInterval);
      measureFloor(client, addr, user, pass, run + "-floor.properties", Math.min(changes, 50));
      client.config().removeConfig(dataId, GROUP);
    } finally {
      child.waitFor(10, TimeUnit.SECONDS);
      child.destroy();
      if (stub != null) {
        stub.close();
      }
    }
  }

  private void measureConfig(MseClient client, String dataId, int changes, long interval) throws Exception {
    long[] sent = new long[changes + 1];
    for (int i = 1; i <= changes; i++) {
      sent[i] = System.nanoTime();
      client.config().publishConfig(dataId, GROUP, "v=" + i);
      Thread.sleep(interval);
    }
    awaitKey(() -> configArrivals.containsKey("v=" + changes), 15);
    List<Long> latencies = new ArrayList<>();
    for (int i = 1; i <= changes; i++) {
      Long arrival = configArrivals.get("v=" + i);
      if (arrival != null) {
        latencies.add(arrival - sent[i]);
      }
    }
    report("config publish -> listener", latencies, changes,
        configArrivals.containsKey("v=" + changes) ? "final value delivered" : "FINAL VALUE MISSING");
  }

  private void measureNaming(MseClient client, String service, int changes, long interval) throws Exception {
    long[] sent = new long[changes + 1];
    Instance previous = null;
    for (int i = 1; i <= changes; i++) {
      Instance next = Instance.builder().ip("127.0.0.1").port(20000 + i).build();
      sent[i] = System.nanoTime();
      client.naming().registerInstance(service, GROUP, next);
      if (previous != null) {
        client.naming().deregisterInstance(service, GROUP, previous);
      }
      previous = next;
      Thread.sleep(interval);
    }
    int last = 20000 + changes;
    awaitKey(() -> portArrivals.containsKey(last), 15);
    List<Long> latencies = new ArrayList<>();
    for (int i = 1; i <= changes; i++) {
      Long arrival = portArrivals.get(20000 + i);
      if (arrival != null) {
        latencies.add(arrival - sent[i]);
      }
    }
    report("instance change -> subscriber", latencies, changes,
        portArrivals.containsKey(last) ? "final list delivered" : "FINAL LIST MISSING");
    client.naming().deregisterInstance(service, GROUP, previous);
  }

  private static final String USER_AGENT = "Nacos-Java-Client:v2.5.1 mse-client-bench";

  /**
   * The first server's base URL as the client addresses it: scheme (http by default), host:port (8848
   * by default) and the context path ({@code /nacos} by default, or the path of an http(s) address).
   */
  public static String baseUrl(String addr) {
    String first = addr.replaceFirst("^nacos://", "").split(",")[0].strip();
    String scheme = "http://";
    if (first.startsWith("http://") || first.startsWith("https://")) {
      scheme = first.substring(0, first.indexOf("://") + 3);
      first = first.substring(scheme.length());
    }
    int slash = first.indexOf('/');
    String hostPort = slash < 0 ? first : first.substring(0, slash);
    String path = slash < 0 || slash == first.length() - 1 ? "/nacos" : first.substring(slash).replaceAll("/+$", "");
    return scheme + (hostPort.contains(":") ? hostPort : hostPort + ":8848") + path;
  }

  /** The server's floor: a raw long poll held by the server, answered after a publish. */
  private void measureFloor(MseClient client, String addr, String user, String pass, String dataId, int rounds)
      throws Exception {
    OkHttpClient http = new OkHttpClient.Builder().readTimeout(40, TimeUnit.SECONDS).build();
    // The same server and context path as the clients: scheme, first host:port, "/nacos" or the
    // context path of the address ("host:8848/ctx").
    String base = baseUrl(addr);
    String token = user == null ? null : login(http, base, user, pass);
    List<Long> latencies = new ArrayList<>();
    List<Long> withRead = new ArrayList<>();
    for (int i = 1; i <= rounds; i++) {
      if (i == 1) {
        client.config().publishConfig(dataId, GROUP, "f=0");
      }
      String previous = "f=" + (i - 1);
      String current = "f=" + i;
      awaitKey(serverHolds(client, dataId, previous), 10);
      String listening = dataId + "\u0002" + GROUP + "\u0002" + Md5.of(previous) + "\u0001";
      // What the client sends: the token as the accessToken header (never in the URL).
      Request.Builder poll = new Request.Builder().url(base + "/v1/cs/configs/listener")
          .header("Long-Pulling-Timeout", "30000").header("User-Agent", USER_AGENT)
          .post(new FormBody.Builder().add("Listening-Configs", listening).build());
      Request.Builder read = new Request.Builder().url(base + "/v1/cs/configs?dataId=" + dataId + "&group=" + GROUP)
          .header("User-Agent", USER_AGENT);
      if (token != null) {
        poll.header("accessToken", token);
        read.header("accessToken", token);
      }
      long[] answered = heldPollAfterPublish(http, poll.build(), read.build(),
          () -> client.config().publishConfig(dataId, GROUP, current));
      if (answered[0] > 0) {
        latencies.add(answered[0]);
      }
      if (answered[1] > 0) {
        withRead.add(answered[1]);
      }
    }
    report("server floor (held long poll answered after publish)", latencies, rounds, "");
    report("  + reading the changed key (any v1 client's floor)", withRead, rounds, "");
    client.config().removeConfig(dataId, GROUP);
  }

  /**
   * Sends {@code poll} (a raw v1 long poll), lets the server hold it for 300 ms, runs {@code publish}
   * and returns the nanoseconds from the publish to the poll's answer and to the end of {@code read}
   * sent after it (what any v1 client must do next); -1 for one that did not come within 35 s.
   */
  static long[] heldPollAfterPublish(OkHttpClient http, Request poll, Request read, Runnable publish)
      throws InterruptedException {
    long[] answered = {-1, -1};
    Thread poller = new Thread(() -> {
      try (Response response = http.newCall(poll).execute()) {
        response.body().string();
        answered[0] = System.nanoTime();
        try (Response content = http.newCall(read).execute()) {
          content.body().string();
          answered[1] = System.nanoTime();
        }
      } catch (Exception e) {
        answered[0] = -1;
      }
    }, "raw-long-poll");
    poller.start();
    Thread.sleep(300); // let the server start holding the poll
    long start = System.nanoTime();
    publish.run();
    poller.join(35_000);
    return new long[] {answered[0] > 0 ? answered[0] - start : -1, answered[1] > 0 ? answered[1] - start : -1};
  }

  private static java.util.function.BooleanSupplier serverHolds(MseClient client, String dataId, String content) {
    return () -> content.equals(client.config().getConfig(dataId, GROUP));
  }

  public static String login(OkHttpClient http, String base, String user, String pass) throws Exception {
    Request request = new Request.Builder().url(base + "/v1/auth/login")
        .post(new FormBody.Builder().add("username", user).add("password", pass).build()).build();
    try (Response response = http.newCall(request).execute()) {
      String body = response.body().string();
      if (!response.isSuccessful() || !body.contains("\"accessToken\":\"")) {
        throw new IllegalStateException("login to " + base + " failed: " + response.code());
      }
      int start = body.indexOf("\"accessToken\":\"") + 15;
      return body.substring(start, body.indexOf('"', start));
    }
  }

  private void read(Process child) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        long now = System.nanoTime();
        if (line.startsWith("C ")) {
          configArrivals.putIfAbsent(line.substring(2), now);
        } else if (line.startsWith("N ")) {
          for (String port : line.substring(2).split(",")) {
            if (!port.isEmpty()) {
              portArrivals.putIfAbsent(Integer.parseInt(port), now);
            }
          }
        } else if (line.startsWith("THREADS ")) {
          threadLine = line.toLowerCase(Locale.ROOT);
        } else if (line.equals("READY")) {
          ready.countDown();
        }
      }
    } catch (Exception e) {
      System.err.println("reader stopped: " + e);
    }
  }

  private static void awaitKey(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  private static void report(String what, List<Long> nanos, int expected, String note) {
    if (nanos.isEmpty()) {
      System.out.printf("%-55s no events received of %d%n", what, expected);
      return;
    }
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    System.out.printf("%-55s n=%d/%d  p50=%.1f ms  p99=%.1f ms  max=%.1f ms  %s%n", what, sorted.size(), expected,
        ms(percentile(sorted, 50)), ms(percentile(sorted, 99)), ms(sorted.get(sorted.size() - 1)), note);
  }

  private static long percentile(List<Long> sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }

  private static double ms(long nanos) {
    return nanos / 1_000_000.0;
  }
}
