package io.mse.bench.sca;

import io.mse.client.MseClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The side-by-side comparison of docs/spring.md ("Compared with Spring Cloud Alibaba"): the same
 * Spring Boot 4.0.7 application ({@code io.mse.bench.sca.app.ComparisonApp}) on Spring Cloud Alibaba
 * 2025.1.0.0's Nacos starters and on mse-client-spring, each in JVMs of its own, against real Nacos
 * servers. Prints the figures; asserts nothing. Checks: {@code refresh} (a), {@code shutdown} (b and
 * c), {@code address} (d), {@code refetch} (e).
 *
 * <pre>
 * mvn -B -q -P sca-comparison -pl mse-client-bench/sca-comparison -am package -DskipTests exec:java \
 *   -Dexec.args="refresh shutdown address refetch --rounds=3 --changes=20"
 * </pre>
 * Options: {@code --v2=2.5.1,127.0.0.1:18848} (the server of every check),
 * {@code --v3=3.0.3,127.0.0.1:28848,nacos,nacos} (also used by {@code refetch}),
 * {@code --stacks=SCA,MSE}, {@code --idle=10} (seconds of {@code refetch}), {@code --mse-jars=a.jar,b.jar} (jars of another mse-client build replacing those
 * of the same file name on the applications' class path). Application logs go to
 * {@code mse-client-bench/sca-comparison/target/sca-comparison/<run>/}.
 */
public final class ScaComparison {

  private ScaComparison() {}

  public static void main(String[] args) throws Exception {
    List<String> checks = new ArrayList<>();
    Map<String, String> options = new LinkedHashMap<>(Map.of("rounds", "3", "changes", "20",
        "v2", "2.5.1,127.0.0.1:18848", "v3", "3.0.3,127.0.0.1:28848,nacos,nacos", "stacks", "SCA,MSE",
        "idle", "10"));
    for (String arg : args) {
      if (arg.startsWith("--")) {
        String[] kv = arg.substring(2).split("=", 2);
        options.put(kv[0], kv.length > 1 ? kv[1] : "true");
      } else {
        checks.add(arg);
      }
    }
    if (checks.isEmpty()) {
      checks.addAll(List.of("refresh", "shutdown", "address", "refetch"));
    }
    NacosServer v2 = NacosServer.parse(options.get("v2"));
    NacosServer v3 = NacosServer.parse(options.get("v3"));
    List<Stack> stacks = Arrays.stream(options.get("stacks").split(",")).map(Stack::valueOf).toList();
    if (options.containsKey("mse-jars")) {
      ForkedApp.replaceJars(Arrays.stream(options.get("mse-jars").split(",")).map(Path::of).toList());
      System.out.printf("mse-client jars replaced by: %s%n", options.get("mse-jars"));
    }
    try {
      Class.forName("io.mse.client.spring.registry.MseRegistrationAutoConfiguration");
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("mse-client-spring on the class path predates registration: build this"
          + " module with -am (the reactor's mse-client-spring), not against an old one in ~/.m2", e);
    }
    String run = UUID.randomUUID().toString().substring(0, 8);
    Path logDir = Files.createDirectories(ForkedApp.targetDirectory().resolve("sca-comparison").resolve(run));
    System.out.printf("run %s: %s on %s; logs in %s%n", run, checks, v2, logDir);
    System.out.printf("host interfaces (up): %s%n%n", AddressCheck.interfaces());
    Path snapshots = Files.createTempDirectory("cmp-driver-");
    try (MseClient onV2 = v2.client(snapshots.resolve("v2")); MseClient onV3 = v3.client(snapshots.resolve("v3"))) {
      for (String check : checks) {
        switch (check) {
          case "refresh" -> refresh(new RefreshCheck(v2, logDir, run), stacks,
              Integer.parseInt(options.get("changes")), onV2);
          case "shutdown" -> shutdown(new ShutdownCheck(v2, logDir, run), stacks,
              Integer.parseInt(options.get("rounds")));
          case "address" -> address(new AddressCheck(v2, logDir, run), stacks, onV2);
          case "refetch" -> refetch(new RefetchCheck(logDir, run, 1000L * Integer.parseInt(options.get("idle"))), stacks,
              orderedMap(v2, onV2, v3, onV3));
          default -> throw new IllegalArgumentException("check '" + check + "' is unknown: refresh, shutdown,"
              + " address, refetch");
        }
      }
    }
  }

  private static void refresh(RefreshCheck check, List<Stack> stacks, int changes, MseClient publisher)
      throws Exception {
    System.out.printf("(a) config publish -> @ConfigurationProperties and @RefreshScope beans, %d changes"
        + " (ms)%n", changes);
    for (Stack stack : stacks) {
      System.out.printf("  %s:%n    %s%n", stack.title, check.measure(stack, changes, publisher)
          .replace("\n", "\n    "));
    }
    System.out.println();
  }

  private static void shutdown(ShutdownCheck check, List<Stack> stacks, int rounds) throws Exception {
    System.out.printf("(b, c) provider 1 of 2 gets SIGTERM while a load-balanced caller calls every 100 ms;"
        + " then 10 calls right after its exit%n");
    for (Stack stack : stacks) {
      for (int round = 1; round <= rounds; round++) {
        ShutdownCheck.Result r = check.round(stack, round);
        System.out.printf("  %s, round %d: exit %d ms after SIGTERM; 10 calls right after the exit: %d failed;"
            + " while it exited: %d of %d calls failed; after: %d of %d%s%n", stack.title, round, r.exitMillis(),
            r.failedOfTen(), r.failedDuringExit(), r.duringExit(), r.failedAfterExit(), r.afterExit(),
            r.firstFailure() == null ? "" : " (" + r.firstFailure() + ")");
      }
    }
    System.out.println();
  }

  private static void address(AddressCheck check, List<Stack> stacks, MseClient reader) throws Exception {
    System.out.println("(d) registered address, on this host (read back from the server)");
    for (Stack stack : stacks) {
      check.measure(stack, reader).forEach((c, ip) -> System.out.printf("  %s, %s: %s%n", stack.title, c, ip));
    }
    System.out.println("    and on a constructed host (a network namespace: lo, docker0 172.17.0.1/16, eth0"
        + " 10.0.3.15/24, in this index order; the address each would register)");
    for (Stack stack : stacks) {
      try {
        check.measureConstructed(stack).forEach((c, ip) -> System.out.printf("  %s, %s: %s%n", stack.title, c, ip));
      } catch (Exception e) {
        System.out.printf("  %s: not measured (%s; unshare -n needs root)%n", stack.title, e.getMessage());
      }
    }
    System.out.println();
  }

  private static void refetch(RefetchCheck check, List<Stack> stacks, Map<NacosServer, MseClient> servers)
      throws Exception {
    System.out.printf("(e) config requests sent by an idle application in %d s (one imported config)%n",
        check.idleMillis / 1000);
    for (Stack stack : stacks) {
      for (Map.Entry<NacosServer, MseClient> server : servers.entrySet()) {
        Map<String, Long> counts = check.measure(stack, server.getKey(), server.getValue());
        counts.values().removeIf(n -> n == 0);
        System.out.printf("  %s on %s: %s%n", stack.title, server.getKey(), counts.isEmpty() ? "none" : counts);
      }
    }
    System.out.println();
  }

  private static Map<NacosServer, MseClient> orderedMap(NacosServer a, MseClient ca, NacosServer b, MseClient cb) {
    Map<NacosServer, MseClient> map = new LinkedHashMap<>();
    map.put(a, ca);
    map.put(b, cb);
    return map;
  }

  /** Polls every 50 ms until {@code done}, for at most 60 s; throws naming {@code what}. */
  static void await(String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + ": not so within 60 s");
      }
      Thread.sleep(50);
    }
  }
}
