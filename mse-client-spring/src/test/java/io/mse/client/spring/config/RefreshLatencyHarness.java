package io.mse.client.spring.config;

import io.mse.client.MseClient;
import io.mse.client.config.ConfigListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Measures how long a config change takes to reach an application's beans: a started
 * {@link DemoApp} imports a YAML config, this harness publishes {@code demo.greeting=v<i>} N times,
 * one change after the previous one was seen, and an observer thread, reading the
 * {@code @ConfigurationProperties} bean and the {@code @RefreshScope} bean as any caller would,
 * notes when each shows the new value (and when the Environment does). A second listener on the
 * application's client notes when the change reached the client. Prints p50 / p99 / max of: publish
 * to arrival, arrival to both beans, publish to both beans, the gap between the two beans switching
 * and between the Environment and the later bean, and counts reads that went back to an older value
 * (a default, for one).
 *
 * <p>Not a test (no assertion on time). Run, after {@code mvn -o -pl mse-client-spring test-compile}:
 * <pre>
 * mvn -o -q -pl mse-client-spring exec:java -Dexec.skip=false -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.mse.client.spring.config.RefreshLatencyHarness \
 *   -Dexec.args="embedded 50"            # or: "127.0.0.1:18848 50" or "127.0.0.1:28848 50 nacos nacos"
 * </pre>
 */
public final class RefreshLatencyHarness {

  private final Map<String, Long> arrived = new ConcurrentHashMap<>();
  private final Map<String, Long> propertiesSwitched = new ConcurrentHashMap<>();
  private final Map<String, Long> refreshScopeSwitched = new ConcurrentHashMap<>();
  private final Map<String, Long> environmentSwitched = new ConcurrentHashMap<>();
  private volatile boolean observing = true;
  /** Reads that showed an older value than one read before (e.g. a default while a bean is rebound). */
  private final java.util.concurrent.atomic.AtomicInteger propertiesGoingBack = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger refreshScopeGoingBack = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger environmentGoingBack = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();

  public static void main(String[] args) throws Exception {
    String server = args.length > 0 ? args[0] : "embedded";
    int changes = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    String username = args.length > 3 ? args[2] : null;
    String password = args.length > 3 ? args[3] : null;
    new RefreshLatencyHarness().run(server, changes, username, password);
  }

  private void run(String server, int changes, String username, String password) throws Exception {
    Path snapshots = Files.createTempDirectory("mse-refresh-latency-");
    MseClient.Builder builder = MseClient.builder().serverAddr(server).snapshotDir(snapshots.resolve("publisher"));
    List<String> args = new ArrayList<>(List.of("mse.server-addr=" + server));
    if (username != null) {
      builder.credentials(username, password);
      args.add("mse.username=" + username);
      args.add("mse.password=" + password);
    }
    String dataId = ImportTesting.dataId("latency.yaml");
    args.add("spring.config.import=mse:" + dataId);
    try (MseClient publisher = builder.build()) {
      publisher.config().publishConfig(dataId, null, content("v0"));
      try (ConfigurableApplicationContext context = ImportTesting.start(snapshots, DemoApp.class,
          args.toArray(String[]::new))) {
        DemoApp.DemoProperties properties = context.getBean(DemoApp.DemoProperties.class);
        DemoApp.Greeter greeter = context.getBean(DemoApp.Greeter.class);
        ConfigListener probe = event -> arrived.putIfAbsent(greeting(event.content()), System.nanoTime());
        context.getBean(MseClient.class).config().addListener(dataId, null, probe);
        org.springframework.core.env.Environment environment = context.getEnvironment();
        Thread observer = new Thread(() -> observe(properties, greeter, environment), "latency-observer");
        observer.setDaemon(true);
        observer.start();

        long[] toArrival = new long[changes];
        long[] arrivalToBoth = new long[changes];
        long[] toBoth = new long[changes];
        long[] gap = new long[changes];
        long[] environmentGap = new long[changes];
        for (int i = 1; i <= changes; i++) {
          String value = "v" + i;
          long published = System.nanoTime();
          publisher.config().publishConfig(dataId, null, content(value));
          long deadline = published + TimeUnit.SECONDS.toNanos(30);
          while (!(propertiesSwitched.containsKey(value) && refreshScopeSwitched.containsKey(value)
              && environmentSwitched.containsKey(value) && arrived.containsKey(value))) {
            if (System.nanoTime() > deadline) {
              throw new IllegalStateException("change " + value + " not seen within 30 s");
            }
            LockSupport.parkNanos(100_000);
          }
          long both = Math.max(propertiesSwitched.get(value), refreshScopeSwitched.get(value));
          toArrival[i - 1] = arrived.get(value) - published;
          arrivalToBoth[i - 1] = both - arrived.get(value);
          toBoth[i - 1] = both - published;
          gap[i - 1] = refreshScopeSwitched.get(value) - propertiesSwitched.get(value);
          environmentGap[i - 1] = both - environmentSwitched.get(value);
        }
        observing = false;
        System.out.printf("%n%d changes of a YAML import on '%s' (publish -> @ConfigurationProperties and"
            + " @RefreshScope beans)%n", changes, server);
        report("publish -> change reaches the client", toArrival);
        report("change reaches the client -> both beans new", arrivalToBoth);
        report("publish -> both beans new", toBoth);
        report("gap @RefreshScope minus @ConfigurationProperties", gap);
        report("gap later bean minus Environment", environmentGap);
        System.out.printf("  observer: %d reads of both beans and the Environment; a value older than one read"
            + " before: %d from the @ConfigurationProperties bean, %d from the @RefreshScope bean, %d from the"
            + " Environment%n", reads.get(), propertiesGoingBack.get(), refreshScopeGoingBack.get(),
            environmentGoingBack.get());
        publisher.config().removeConfig(dataId, null);
      }
    }
  }

  private void observe(DemoApp.DemoProperties properties, DemoApp.Greeter greeter,
      org.springframework.core.env.Environment environment) {
    int boundBefore = 0;
    int builtBefore = 0;
    int environmentBefore = 0;
    while (observing) {
      String inEnvironment = environment.getProperty("demo.greeting");
      environmentSwitched.putIfAbsent(inEnvironment, System.nanoTime());
      if (version(inEnvironment) < environmentBefore) {
        environmentGoingBack.incrementAndGet();
      }
      environmentBefore = Math.max(environmentBefore, version(inEnvironment));
      String bound = properties.getGreeting();
      long now = System.nanoTime();
      propertiesSwitched.putIfAbsent(bound, now);
      String built = greeter.greeting();
      now = System.nanoTime();
      refreshScopeSwitched.putIfAbsent(built, now);
      reads.incrementAndGet();
      if (version(bound) < boundBefore) {
        propertiesGoingBack.incrementAndGet();
      }
      if (version(built) < builtBefore) {
        refreshScopeGoingBack.incrementAndGet();
      }
      boundBefore = Math.max(boundBefore, version(bound));
      builtBefore = Math.max(builtBefore, version(built));
      LockSupport.parkNanos(20_000); // about 0.1 ms between looks, without taking a whole core
    }
  }

  /** v7 is 7; anything else (a default) is -1. */
  private static int version(String greeting) {
    return greeting != null && greeting.startsWith("v") ? Integer.parseInt(greeting.substring(1)) : -1;
  }

  private static String content(String greeting) {
    return "demo:\n  greeting: " + greeting + "\n  servers: [a, b]\n";
  }

  private static String greeting(String content) {
    int start = content.indexOf("greeting: ") + "greeting: ".length();
    return content.substring(start, content.indexOf('\n', start));
  }

  private static void report(String what, long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    Map<String, Double> figures = new HashMap<>();
    figures.put("p50", sorted[(int) Math.ceil(0.50 * sorted.length) - 1] / 1e6);
    figures.put("p99", sorted[(int) Math.ceil(0.99 * sorted.length) - 1] / 1e6);
    figures.put("max", sorted[sorted.length - 1] / 1e6);
    figures.put("min", sorted[0] / 1e6);
    System.out.printf("  %-50s p50 %8.2f ms   p99 %8.2f ms   max %8.2f ms   min %8.2f ms%n", what,
        figures.get("p50"), figures.get("p99"), figures.get("max"), figures.get("min"));
  }
}
