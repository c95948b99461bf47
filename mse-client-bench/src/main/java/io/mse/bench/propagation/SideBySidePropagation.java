package io.mse.bench.propagation;

import io.mse.bench.sidebyside.BenchEnv;
import io.mse.bench.sidebyside.ResultTable;
import io.mse.client.MseClient;
import io.mse.client.naming.Instance;
import io.mse.client.spi.Md5;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Change propagation across processes, our client and nacos-client 2.5.1 side by side on the same
 * real server (issue 11). Per server named by {@link BenchEnv}:
 * <ol>
 *   <li>two listener JVMs ({@link SideBySideListener}), one per client, each listening to its own
 *       keys and subscribed to its own service;</li>
 *   <li><b>steady config</b>: {@code changes} (200) publishes 250 ms apart to each client's key, ours
 *       and theirs at the same time (theirs offset by 125 ms): publish → listener p50/p99/max, versions
 *       never delivered, final value delivered;</li>
 *   <li><b>burst</b>: {@code burstVersions} (60) versions at 10/s to each of two keys per client:
 *       versions never delivered, finals delivered, p50/p99;</li>
 *   <li><b>instances</b>: {@code changes} (200) changes 250 ms apart per service, each registering a new
 *       instance and deregistering the one registered 4 changes (1 s) before: register/deregister →
 *       subscriber; a bare UDP push subscriber ({@link UdpPushProbe}) on the same services gives the
 *       server's own push time of the same changes (its floor);</li>
 *   <li><b>config floor</b>: {@code floorRounds} (25) publishes, each followed by raw
 *       {@code GET /v1/cs/configs} until the new value is served (the server's dump delay as any reader
 *       sees it), and as many publishes answered to a held raw v1 long poll, plus the read after it.</li>
 * </ol>
 * The publisher (configs, instances) is one of our clients in this JVM for both sides; it is not
 * what is measured. Rows go to {@code $MSE_BENCH_RESULTS/propagation.tsv}.
 *
 * <p>Run: {@code java -cp mse-client-bench/target/benchmarks.jar io.mse.bench.propagation.SideBySidePropagation}
 * with {@code MSE_BENCH_NACOS_V2}, {@code MSE_BENCH_NACOS_V3}, {@code MSE_BENCH_NACOS_V3_AUTH},
 * {@code MSE_BENCH_RESULTS}. About 2.5 minutes per server.
 */
public final class SideBySidePropagation {

  static final String GROUP = "DEFAULT_GROUP";
  private static final List<String> WHO = List.of("ours", "theirs");
  private static final int LIVE = 4;
  private static final int PORT_BASE = 30000;

  private final int changes = Integer.getInteger("changes", 200);
  private final long interval = Long.getLong("intervalMs", 250);
  private final int burstVersions = Integer.getInteger("burstVersions", 60);
  private final int burstKeys = 2;
  private final long burstInterval = 100;
  private final int floorRounds = Integer.getInteger("floorRounds", 25);
  private final ResultTable table = new ResultTable();

  private SideBySidePropagation() {
  }

  public static void main(String[] args) throws Exception {
    SideBySidePropagation harness = new SideBySidePropagation();
    BenchEnv.runAll("propagation", harness::run, harness.table);
  }

  /** One listener JVM and what it reported. */
  private static final class Peer {
    final String who;
    final String steadyKey;
    final List<String> burstKeys = new ArrayList<>();
    final String service;
    final Map<String, Map<String, Long>> arrivals = new ConcurrentHashMap<>();
    final List<UdpPushProbe.Push> lists = new CopyOnWriteArrayList<>();
    final CountDownLatch ready = new CountDownLatch(1);
    Process process;

    Peer(String who, String run, int burstKeyCount) {
      this.who = who;
      steadyKey = run + "-" + who + "-steady";
      for (int k = 0; k < burstKeyCount; k++) {
        burstKeys.add(run + "-" + who + "-burst-" + k);
      }
      service = run + "-" + who + "-svc";
    }

    Long arrival(String key, String content) {
      return arrivals.getOrDefault(key, Map.of()).get(content);
    }

    void read() {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          if (line.startsWith("C ")) {
            String[] parts = line.split(" ", 4);
            arrivals.computeIfAbsent(parts[2], k -> new ConcurrentHashMap<>())
                .putIfAbsent(parts.length > 3 ? parts[3] : "", Long.parseLong(parts[1]));
          } else if (line.startsWith("N ")) {
            String[] parts = line.split(" ", 3);
            Set<Integer> ports = new HashSet<>();
            if (parts.length > 2) {
              for (String port : parts[2].split(",")) {
                if (!port.isBlank()) {
                  ports.add(Integer.parseInt(port.strip()));
                }
              }
            }
            lists.add(new UdpPushProbe.Push(Long.parseLong(parts[1]), service, ports));
          } else if (line.equals("READY")) {
            ready.countDown();
          } else {
            System.out.println("[" + who + "] " + line);
          }
        }
      } catch (Exception e) {
        System.err.println("[" + who + "] reader stopped: " + e);
      }
    }
  }

  private void run(BenchEnv.Server server) throws Exception {
    String section = "propagation " + server.label();
    String run = "sbs-" + UUID.randomUUID().toString().substring(0, 8);
    String loadBefore = BenchEnv.loadAverage();
    long started = System.nanoTime();
    System.out.printf("%n== %s: %s, run %s, load %s%n", section, server, run, loadBefore);
    MseClient.Builder builder = MseClient.builder().serverAddr(server.addr())
        .snapshotDir(Files.createTempDirectory("mse-bench-publisher"));
    if (server.auth() != null) {
      int colon = server.auth().indexOf(':');
      builder.credentials(server.auth().substring(0, colon), server.auth().substring(colon + 1));
    }
    List<Peer> peers = new ArrayList<>();
    String base = PropagationHarness.baseUrl(server.addr());
    OkHttpClient http = new OkHttpClient.Builder().readTimeout(40, TimeUnit.SECONDS).build();
    String token = null;
    if (server.auth() != null) {
      int colon = server.auth().indexOf(':');
      token = PropagationHarness.login(http, base, server.auth().substring(0, colon),
          server.auth().substring(colon + 1));
    }
    try (MseClient publisher = builder.build()) {
      for (String who : WHO) {
        Peer peer = new Peer(who, run, burstKeys);
        publisher.config().publishConfig(peer.steadyKey, GROUP, "v=0");
        for (String key : peer.burstKeys) {
          publisher.config().publishConfig(key, GROUP, "b=0");
        }
        List<String> keys = new ArrayList<>(peer.burstKeys);
        keys.add(0, peer.steadyKey);
        peer.process = new ProcessBuilder(BenchEnv.javaCommand(SideBySideListener.class, List.of("-Xmx256m"),
            List.of(who, server.addr(), server.auth() == null ? "-" : server.auth(), GROUP, String.join(",", keys),
                peer.service))).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread reader = new Thread(peer::read, "reader-" + who);
        reader.setDaemon(true);
        reader.start();
        peers.add(peer);
      }
      for (Peer peer : peers) {
        if (!peer.ready.await(120, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the " + peer.who + " listener process did not start");
        }
      }
      // let both settle (first reads, first long poll / gRPC listen) before timing anything
      Thread.sleep(2000);
      try (UdpPushProbe probe = new UdpPushProbe(base, token, GROUP, peers.stream().map(p -> p.service).toList())) {
        steadyConfig(section, publisher, peers);
        burst(section, publisher, peers);
        Thread.sleep(1000); // the probe's first list requests and their pushes are over by now
        instances(section, publisher, peers, probe);
      }
      configFloor(section, publisher, http, base, token, run + "-floor");
      for (Peer peer : peers) {
        publisher.config().removeConfig(peer.steadyKey, GROUP);
        for (String key : peer.burstKeys) {
          publisher.config().removeConfig(key, GROUP);
        }
      }
    } finally {
      for (Peer peer : peers) {
        peer.process.getOutputStream().close();
        if (!peer.process.waitFor(15, TimeUnit.SECONDS)) {
          peer.process.destroyForcibly();
        }
      }
    }
    table.add(section, "run conditions", "-", "-", "-", "-", null, String.format(
        "load average (1/5/15 min) %s before, %s after; %.0f s; both clients measured at once on separate keys"
            + " and services (theirs offset by %d ms); %s", loadBefore, BenchEnv.loadAverage(),
        (System.nanoTime() - started) / 1e9, interval / 2, Runtime.version()));
  }

  // ---------------------------------------------------------------------------------------------
  // steady config changes

  private void steadyConfig(String section, MseClient publisher, List<Peer> peers) throws Exception {
    System.out.printf("steady config: %d publishes %d ms apart per client%n", changes, interval);
    Map<String, long[]> sent = new ConcurrentHashMap<>();
    for (Peer peer : peers) {
      sent.put(peer.who, new long[changes + 1]);
    }
    runTicks(peers, "publish", changes, interval, interval / 2, (peer, i) -> {
      sent.get(peer.who)[i] = System.nanoTime();
      publisher.config().publishConfig(peer.steadyKey, GROUP, "v=" + i);
    });
    awaitUpTo(20, () -> peers.stream().allMatch(p -> p.arrival(p.steadyKey, "v=" + changes) != null));
    Stats[] stats = new Stats[2];
    for (int p = 0; p < peers.size(); p++) {
      Peer peer = peers.get(p);
      List<Long> latencies = new ArrayList<>();
      for (int i = 1; i <= changes; i++) {
        Long arrival = peer.arrival(peer.steadyKey, "v=" + i);
        if (arrival != null) {
          latencies.add(arrival - sent.get(peer.who)[i]);
        }
      }
      stats[p] = new Stats(latencies, changes, peer.arrival(peer.steadyKey, "v=" + changes) != null);
    }
    // the target needs the floor, measured last: the rows are added then
    steady = stats;
  }

  private Stats[] steady;

  // ---------------------------------------------------------------------------------------------
  // burst

  private void burst(String section, MseClient publisher, List<Peer> peers) throws Exception {
    System.out.printf("burst: %d versions at 10/s on each of %d keys per client%n", burstVersions, burstKeys);
    Map<String, long[][]> sent = new ConcurrentHashMap<>();
    for (Peer peer : peers) {
      sent.put(peer.who, new long[burstKeys][burstVersions + 1]);
    }
    // one tick per publish: version i of key k at tick (i - 1) * keys + k, keys spread over each 100 ms
    runTicks(peers, "burst", burstVersions * burstKeys, burstInterval / burstKeys, burstInterval / (2L * burstKeys),
        (peer, tick) -> {
          int i = (tick - 1) / burstKeys + 1;
          int k = (tick - 1) % burstKeys;
          sent.get(peer.who)[k][i] = System.nanoTime();
          publisher.config().publishConfig(peer.burstKeys.get(k), GROUP, "b=" + i);
        });
    awaitUpTo(20, () -> peers.stream().allMatch(
        p -> p.burstKeys.stream().allMatch(k -> p.arrival(k, "b=" + burstVersions) != null)));
    Stats[] stats = new Stats[2];
    int[] finals = new int[2];
    for (int p = 0; p < peers.size(); p++) {
      Peer peer = peers.get(p);
      List<Long> latencies = new ArrayList<>();
      for (int k = 0; k < burstKeys; k++) {
        String key = peer.burstKeys.get(k);
        for (int i = 1; i <= burstVersions; i++) {
          Long arrival = peer.arrival(key, "b=" + i);
          if (arrival != null) {
            latencies.add(arrival - sent.get(peer.who)[k][i]);
          }
        }
        if (peer.arrival(key, "b=" + burstVersions) != null) {
          finals[p]++;
        }
      }
      stats[p] = new Stats(latencies, burstVersions * burstKeys, finals[p] == burstKeys);
    }
    int total = burstVersions * burstKeys;
    table.add(section, "burst 10/s: versions never delivered", String.valueOf(total - stats[0].count()),
        String.valueOf(total - stats[1].count()), "of " + total, "0", stats[0].count() == total,
        burstKeys + " keys per client, " + burstVersions + " versions each at 10/s (" + burstKeys * 10
            + " publishes/s per client)");
    table.add(section, "burst 10/s: final values delivered", finals[0] + "/" + burstKeys, finals[1] + "/" + burstKeys,
        "keys", "all", finals[0] == burstKeys, null);
    table.add(section, "burst 10/s: publish -> listener p50", stats[0].p50(), stats[1].p50(), "ms", "-", null,
        "delivered versions only");
    table.add(section, "burst 10/s: publish -> listener p99", stats[0].p99(), stats[1].p99(), "ms", "-", null, null);
  }

  // ---------------------------------------------------------------------------------------------
  // instances

  private void instances(String section, MseClient publisher, List<Peer> peers, UdpPushProbe probe) throws Exception {
    System.out.printf("instances: %d changes %d ms apart per service (register one, deregister the one of %d changes"
        + " before)%n", changes, interval, LIVE);
    Map<String, long[]> registered = new ConcurrentHashMap<>();
    Map<String, long[]> deregistered = new ConcurrentHashMap<>();
    for (Peer peer : peers) {
      registered.put(peer.who, new long[changes + 1]);
      deregistered.put(peer.who, new long[changes + 1]);
    }
    runTicks(peers, "register", changes, interval, interval / 2, (peer, i) -> {
      registered.get(peer.who)[i] = System.nanoTime();
      publisher.naming().registerInstance(peer.service, GROUP, Instance.of("127.0.0.1", PORT_BASE + i));
      if (i > LIVE) {
        deregistered.get(peer.who)[i - LIVE] = System.nanoTime();
        publisher.naming().deregisterInstance(peer.service, GROUP, Instance.of("127.0.0.1", PORT_BASE + i - LIVE));
      }
    });
    int last = PORT_BASE + changes;
    int lastGone = PORT_BASE + changes - LIVE;
    awaitUpTo(10, () -> peers.stream().allMatch(p -> !p.lists.isEmpty() && p.lists.get(p.lists.size() - 1).ports()
        .contains(last) && !p.lists.get(p.lists.size() - 1).ports().contains(lastGone)));
    Thread.sleep(500);
    Stats[] client = new Stats[2];
    Stats[] floor = new Stats[2];
    String[] notes = new String[2];
    for (int p = 0; p < peers.size(); p++) {
      Peer peer = peers.get(p);
      Changes seen = changes(peer.lists, registered.get(peer.who), deregistered.get(peer.who));
      Changes raw = changes(probe.pushes(peer.service), registered.get(peer.who), deregistered.get(peer.who));
      client[p] = new Stats(seen.latencies, 2 * changes - LIVE, true);
      floor[p] = new Stats(raw.latencies, 2 * changes - LIVE, true);
      notes[p] = String.format("%s: registrations seen %d/%d, deregistrations seen %d/%d; raw push %d/%d",
          peer.who, seen.registers, changes, seen.deregisters, changes - LIVE, raw.registers + raw.deregisters,
          2 * changes - LIVE);
    }
    List<Long> floorAll = new ArrayList<>(floor[0].sorted);
    floorAll.addAll(floor[1].sorted);
    Stats floorBoth = new Stats(floorAll, floorAll.size(), true);
    double target = floorBoth.p99ms() + 100;
    table.add(section, "server floor: instance change -> raw UDP push p50", floor[0].p50(), floor[1].p50(), "ms", "-",
        null, "the server's own, measured on each client's service: a bare v1 UDP subscriber on the same services, same changes (the server's push delay, pushTaskDelay"
            + " 500 ms by default, merges changes within it)");
    table.add(section, "server floor: instance change -> raw UDP push p99", floor[0].p99(), floor[1].p99(), "ms", "-",
        null, "both services together: p99 " + ResultTable.ms(floorBoth.p99ms()) + " ms");
    table.add(section, "instance change -> subscriber p50", client[0].p50(), client[1].p50(), "ms", "-", null,
        changes + " changes 250 ms apart; each registers one instance and deregisters the one registered 1 s before");
    table.add(section, "instance change -> subscriber p99", client[0].p99(), client[1].p99(), "ms",
        "<= " + ResultTable.ms(target), client[0].p99ms() <= target, "target: the server's raw push p99 + 100 ms");
    table.add(section, "instance change -> subscriber max", client[0].max(), client[1].max(), "ms", "-", null,
        notes[0] + "; " + notes[1]);
    for (Peer peer : peers) {
      for (int i = changes - LIVE + 1; i <= changes; i++) {
        publisher.naming().deregisterInstance(peer.service, GROUP, Instance.of("127.0.0.1", PORT_BASE + i));
      }
    }
  }

  private record Changes(List<Long> latencies, int registers, int deregisters) {
  }

  /**
   * Register → first list after it holding the port; deregister → first list after it without the
   * port (counted only for ports once seen).
   */
  private Changes changes(List<UdpPushProbe.Push> lists, long[] registered, long[] deregistered) {
    List<Long> latencies = new ArrayList<>();
    int registers = 0;
    int deregisters = 0;
    for (int i = 1; i <= changes; i++) {
      int port = PORT_BASE + i;
      boolean seen = false;
      for (UdpPushProbe.Push list : lists) {
        if (list.nanos() >= registered[i] && list.ports().contains(port)) {
          latencies.add(list.nanos() - registered[i]);
          registers++;
          seen = true;
          break;
        }
      }
      if (seen && deregistered[i] != 0) {
        for (UdpPushProbe.Push list : lists) {
          if (list.nanos() >= deregistered[i] && !list.ports().contains(port)) {
            latencies.add(list.nanos() - deregistered[i]);
            deregisters++;
            break;
          }
        }
      }
    }
    return new Changes(latencies, registers, deregisters);
  }

  // ---------------------------------------------------------------------------------------------
  // the config floor, then the steady rows that need it

  private void configFloor(String section, MseClient publisher, OkHttpClient http, String base, String token,
      String dataId) throws Exception {
    System.out.printf("config floor: %d publishes read back by raw GET, %d answered to a held raw long poll%n",
        floorRounds, floorRounds);
    Request.Builder read = new Request.Builder().url(base + "/v1/cs/configs?dataId=" + dataId + "&group=" + GROUP)
        .header("User-Agent", "Nacos-Java-Client:v2.5.1 mse-client-bench");
    if (token != null) {
      read.header("accessToken", token);
    }
    publisher.config().publishConfig(dataId, GROUP, "f=0");
    List<Long> dump = new ArrayList<>();
    for (int r = 1; r <= floorRounds; r++) {
      String content = "f=" + r;
      long start = System.nanoTime();
      publisher.config().publishConfig(dataId, GROUP, content);
      long deadline = start + TimeUnit.SECONDS.toNanos(5);
      while (System.nanoTime() < deadline) {
        try (Response response = http.newCall(read.build()).execute()) {
          if (content.equals(response.body().string())) {
            dump.add(System.nanoTime() - start);
            break;
          }
        }
        Thread.sleep(1);
      }
      Thread.sleep(150);
    }
    List<Long> held = new ArrayList<>();
    List<Long> heldRead = new ArrayList<>();
    String current = "f=" + floorRounds;
    for (int r = 1; r <= floorRounds; r++) {
      String listening = dataId + "\u0002" + GROUP + "\u0002" + Md5.of(current) + "\u0001";
      Request.Builder poll = new Request.Builder().url(base + "/v1/cs/configs/listener")
          .header("Long-Pulling-Timeout", "30000").header("User-Agent", "Nacos-Java-Client:v2.5.1 mse-client-bench")
          .post(new FormBody.Builder().add("Listening-Configs", listening).build());
      if (token != null) {
        poll.header("accessToken", token);
      }
      String next = "g=" + r;
      long[] answered = PropagationHarness.heldPollAfterPublish(http, poll.build(), read.build(),
          () -> publisher.config().publishConfig(dataId, GROUP, next));
      current = next;
      if (answered[0] > 0) {
        held.add(answered[0]);
      }
      if (answered[1] > 0) {
        heldRead.add(answered[1]);
      }
    }
    publisher.config().removeConfig(dataId, GROUP);
    Stats dumpStats = new Stats(dump, floorRounds, true);
    Stats heldStats = new Stats(held, floorRounds, true);
    Stats heldReadStats = new Stats(heldRead, floorRounds, true);
    table.add(section, "server floor: publish -> raw GET serves it p50", dumpStats.p50(), dumpStats.p50(), "ms", "-",
        null, "the server's own, the same for both clients: its dump delay as any reader sees it (publish call start"
            + " -> first GET with the new value, GET"
            + " repeated every ~1 ms), " + dumpStats.count() + " publishes");
    table.add(section, "server floor: publish -> raw GET serves it p99", dumpStats.p99(), dumpStats.p99(), "ms", "-",
        null,
        "max " + dumpStats.max() + " ms");
    String heldFigure = heldStats.p50() + "/" + heldStats.p99();
    table.add(section, "server floor: held raw long poll answered p50/p99", heldFigure, heldFigure, "ms", "-", null, "+ the read that follows: " + heldReadStats.p50() + "/" + heldReadStats.p99()
            + " ms (the floor of a v1 long-polling client)");
    Stats ours = steady[0];
    Stats theirs = steady[1];
    double target = dumpStats.p99ms() + 15;
    table.add(section, "config publish -> listener p50", ours.p50(), theirs.p50(), "ms", "-", null,
        changes + " publishes 250 ms apart per client");
    table.add(section, "config publish -> listener p99", ours.p99(), theirs.p99(), "ms", "<= " + ResultTable.ms(target),
        ours.p99ms() <= target, "target: the raw GET floor's p99 + 15 ms");
    table.add(section, "config publish -> listener max", ours.max(), theirs.max(), "ms", "-", null, null);
    table.add(section, "config: versions never delivered (250 ms apart)", String.valueOf(changes - ours.count()),
        String.valueOf(changes - theirs.count()), "of " + changes, "0", ours.count() == changes && ours.finalDelivered,
        "final value delivered: ours " + (ours.finalDelivered ? "yes" : "NO") + ", theirs "
            + (theirs.finalDelivered ? "yes" : "NO"));
  }

  // ---------------------------------------------------------------------------------------------

  /** Latencies (nanoseconds) of the delivered changes of one measurement. */
  private static final class Stats {
    final List<Long> sorted;
    final int expected;
    final boolean finalDelivered;

    Stats(List<Long> nanos, int expected, boolean finalDelivered) {
      sorted = new ArrayList<>(nanos);
      Collections.sort(sorted);
      this.expected = expected;
      this.finalDelivered = finalDelivered;
    }

    int count() {
      return sorted.size();
    }

    double p99ms() {
      return sorted.isEmpty() ? Double.NaN : BenchEnv.percentile(sorted, 99) / 1e6;
    }

    String p50() {
      return sorted.isEmpty() ? "-" : ResultTable.ms(BenchEnv.percentile(sorted, 50) / 1e6);
    }

    String p99() {
      return sorted.isEmpty() ? "-" : ResultTable.ms(p99ms());
    }

    String max() {
      return sorted.isEmpty() ? "-" : ResultTable.ms(sorted.get(sorted.size() - 1) / 1e6);
    }
  }

  /** What a peer's publisher thread does at tick {@code i} (1-based). */
  private interface Tick {
    void run(Peer peer, int i);
  }

  /**
   * One thread per peer runs {@code ticks} ticks {@code tickMs} apart, on absolute deadlines (a slow
   * call delays only its own tick), peer p offset by p × {@code offsetMs}; returns when all are done.
   */
  private static void runTicks(List<Peer> peers, String name, int ticks, long tickMs, long offsetMs, Tick tick)
      throws InterruptedException {
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < peers.size(); p++) {
      Peer peer = peers.get(p);
      long offset = TimeUnit.MILLISECONDS.toNanos(p * offsetMs);
      Thread thread = new Thread(() -> {
        for (int i = 1; i <= ticks; i++) {
          sleepUntil(start + offset + TimeUnit.MILLISECONDS.toNanos((i - 1) * tickMs));
          tick.run(peer, i);
        }
      }, name + "-" + peer.who);
      thread.setDaemon(true);
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
  }

  private static void sleepUntil(long nanos) {
    long wait = nanos - System.nanoTime();
    if (wait > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void awaitUpTo(int seconds, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

}
