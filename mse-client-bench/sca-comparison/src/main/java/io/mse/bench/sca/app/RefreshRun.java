package io.mse.bench.sca.app;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Measures, inside the application, publish -> new value visible in the {@code @ConfigurationProperties}
 * bean and the {@code @RefreshScope} bean: publishes {@code cmp.value=v<i>} through the Nacos open API
 * (v1, no auth: the 2.x line), one change after the previous one was seen in both beans, while an
 * observer thread reads both beans as any caller would and notes when each first shows the new
 * value, and counts the reads (one of each bean, one after the other) in which the two disagree and
 * those that went back to an older value than one seen before. The {@link ArrivalProbe} notes when
 * the change reached the stack's client. Not thread-safe:
 * one run at a time.
 */
final class RefreshRun {

  private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private final String server;
  private final String dataId;
  private final String group;
  private final CmpProperties properties;
  private final CmpRefreshScoped refreshScoped;
  private final ArrivalProbe probe;
  private final Map<String, Long> propertiesSeen = new ConcurrentHashMap<>();
  private final Map<String, Long> refreshScopedSeen = new ConcurrentHashMap<>();
  private final AtomicLong arrival = new AtomicLong();
  private final AtomicInteger propertiesWentBack = new AtomicInteger();
  private final AtomicInteger refreshScopedWentBack = new AtomicInteger();
  private final AtomicLong reads = new AtomicLong();
  private final AtomicLong propertiesAhead = new AtomicLong();
  private final AtomicLong refreshScopedAhead = new AtomicLong();
  private volatile boolean observing = true;

  RefreshRun(String server, String dataId, String group, CmpProperties properties, CmpRefreshScoped refreshScoped,
      ArrivalProbe probe) {
    this.server = server;
    this.dataId = dataId;
    this.group = group;
    this.properties = properties;
    this.refreshScoped = refreshScoped;
    this.probe = probe;
  }

  /** Runs {@code changes} changes and returns the report, one figure a line. */
  String run(int changes) throws Exception {
    probe.watch(dataId, group, () -> arrival.compareAndSet(0, System.nanoTime()));
    Thread observer = new Thread(this::observe, "cmp-observer");
    observer.setDaemon(true);
    observer.start();
    long[] toArrival = new long[changes];
    long[] arrivalToBoth = new long[changes];
    long[] toBoth = new long[changes];
    long[] gap = new long[changes];
    int missedArrivals = 0;
    try {
      for (int i = 1; i <= changes; i++) {
        String value = "v" + System.nanoTime() % 1_000_000 + "-" + i;
        arrival.set(0);
        long published = System.nanoTime();
        publish("cmp.value=" + value + "\n");
        while (!(propertiesSeen.containsKey(value) && refreshScopedSeen.containsKey(value))) {
          if (System.nanoTime() - published > TIMEOUT_NANOS) {
            throw new IllegalStateException("change " + i + " not seen in both beans within 30 s");
          }
          LockSupport.parkNanos(100_000);
        }
        long both = Math.max(propertiesSeen.get(value), refreshScopedSeen.get(value));
        long arrived = arrival.get();
        if (arrived == 0 || arrived > both) {
          missedArrivals++;
          arrived = both;
        }
        toArrival[i - 1] = arrived - published;
        arrivalToBoth[i - 1] = both - arrived;
        toBoth[i - 1] = both - published;
        gap[i - 1] = refreshScopedSeen.get(value) - propertiesSeen.get(value);
        Thread.sleep(200); // let the stack finish whatever follows a refresh
      }
    } finally {
      observing = false;
    }
    return String.join("\n",
        "changes=" + changes + " missedArrivals=" + missedArrivals,
        line("publish->arrival", toArrival),
        line("arrival->both", arrivalToBoth),
        line("publish->both", toBoth),
        line("gap(refreshScope-properties)", gap),
        "reads=" + reads.get() + " disagreeing: propertiesAhead=" + propertiesAhead.get() + " refreshScopedAhead="
            + refreshScopedAhead.get(),
        "wentBack: properties=" + propertiesWentBack.get() + " refreshScoped=" + refreshScopedWentBack.get());
  }

  private void observe() {
    String lastProperties = properties.getValue();
    String lastScoped = refreshScoped.value();
    long maxSeen = -1;
    long maxScoped = -1;
    while (observing) {
      String p = properties.getValue();
      propertiesSeen.putIfAbsent(p, System.nanoTime());
      String s = refreshScoped.value();
      refreshScopedSeen.putIfAbsent(s, System.nanoTime());
      reads.incrementAndGet();
      if (order(p) > order(s)) {
        propertiesAhead.incrementAndGet();
      } else if (order(s) > order(p)) {
        refreshScopedAhead.incrementAndGet();
      }
      if (!p.equals(lastProperties) && order(p) < maxSeen) {
        propertiesWentBack.incrementAndGet();
      }
      if (!s.equals(lastScoped) && order(s) < maxScoped) {
        refreshScopedWentBack.incrementAndGet();
      }
      maxSeen = Math.max(maxSeen, order(p));
      maxScoped = Math.max(maxScoped, order(s));
      lastProperties = p;
      lastScoped = s;
      LockSupport.parkNanos(20_000);
    }
  }

  /** The change number of a value ({@code v<nanos>-<i>}), -1 for anything else (a default). */
  private static long order(String value) {
    int dash = value == null ? -1 : value.lastIndexOf('-');
    return dash < 0 ? -1 : Long.parseLong(value.substring(dash + 1));
  }

  private void publish(String content) throws Exception {
    String form = Map.of("dataId", dataId, "group", group, "content", content, "type", "properties").entrySet()
        .stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + server + "/nacos/v1/cs/configs"))
        .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200 || !response.body().contains("true")) {
      throw new IllegalStateException("publish refused: " + response.statusCode() + " " + response.body());
    }
  }

  /** {@code name p50=.. p90=.. min=.. max=..} in milliseconds. */
  static String line(String name, long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return String.format("%s p50=%.1f p90=%.1f min=%.1f max=%.1f", name, ms(sorted, 0.5), ms(sorted, 0.9),
        sorted[0] / 1e6, sorted[sorted.length - 1] / 1e6);
  }

  private static double ms(long[] sorted, double p) {
    return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
  }
}
