package io.mse.bench.sca;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks (b) and (c): two providers and a caller of one stack, each in its own JVM, registered in
 * Nacos with {@code 127.0.0.1}; the caller's {@code @LoadBalanced RestClient} has called both. Then
 * provider 1 gets SIGTERM while the caller keeps calling every 100 ms: the time to the provider's
 * exit, the caller's failed calls during that time, and right after the exit 10 calls back to back
 * and how many failed.
 */
final class ShutdownCheck {

  /** One round's figures. */
  record Result(long exitMillis, int failedOfTen, int duringExit, int failedDuringExit, int afterExit,
      int failedAfterExit, String firstFailure) {}

  private final NacosServer server;
  private final Path logDir;
  private final String run;

  ShutdownCheck(NacosServer server, Path logDir, String run) {
    this.server = server;
    this.logDir = logDir;
    this.run = run;
  }

  Result round(Stack stack, int round) throws Exception {
    String service = "cmp-provider-" + run + "-" + stack.name().toLowerCase() + round;
    List<ForkedApp> apps = new ArrayList<>();
    try {
      ForkedApp p1 = start(apps, stack, service, stack.name().toLowerCase() + "-p1-" + round);
      start(apps, stack, service, stack.name().toLowerCase() + "-p2-" + round);
      ForkedApp caller = start(apps, stack, "cmp-caller-" + run + "-" + stack.name().toLowerCase() + round,
          stack.name().toLowerCase() + "-caller-" + round);
      for (ForkedApp app : apps) {
        app.awaitReady();
      }
      warmUp(caller, service);
      caller.post("/control/loop/start?service=" + service + "&intervalMillis=100");
      Thread.sleep(1000);
      long sigterm = System.nanoTime();
      long exitNanos = p1.stop();
      long exited = sigterm + exitNanos;
      List<String> ten = caller.get("/control/calls?service=" + service + "&n=10").lines().toList();
      Thread.sleep(1000);
      List<String> loop = caller.post("/control/loop/stop").lines().toList();
      return result(exitNanos, ten, loop, sigterm, exited);
    } finally {
      stopAll(apps);
    }
  }

  private ForkedApp start(List<ForkedApp> apps, Stack stack, String service, String name) throws Exception {
    List<String> args = new ArrayList<>(stack.serverArguments(server));
    args.add("--spring.application.name=" + service);
    args.add(stack.importOf("cmp-" + run + "-absent.properties", "CMP"));
    args.addAll(stack.ipOverrides("127.0.0.1"));
    ForkedApp app = ForkedApp.start(stack, name, logDir, args);
    apps.add(app);
    return app;
  }

  /** Calls until both providers have answered (the caller's load balancer knows both). */
  private static void warmUp(ForkedApp caller, String service) throws Exception {
    Set<String> answered = new HashSet<>();
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (answered.size() < 2) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the caller did not reach both providers within 120 s: " + answered);
      }
      caller.get("/control/calls?service=" + service + "&n=4").lines().filter(l -> l.startsWith("ok "))
          .forEach(answered::add);
      Thread.sleep(200);
    }
  }

  private static Result result(long exitNanos, List<String> ten, List<String> loop, long sigterm, long exited) {
    int during = 0;
    int failedDuring = 0;
    int after = 0;
    int failedAfter = 0;
    String firstFailure = ten.stream().filter(l -> l.startsWith("fail")).findFirst().orElse(null);
    for (String line : loop) {
      long at = Long.parseLong(line.substring(0, line.indexOf(' ')));
      boolean failed = line.substring(line.indexOf(' ') + 1).startsWith("fail");
      if (failed && firstFailure == null) {
        firstFailure = line.substring(line.indexOf(' ') + 1);
      }
      if (at >= sigterm && at < exited) {
        during++;
        failedDuring += failed ? 1 : 0;
      } else if (at >= exited) {
        after++;
        failedAfter += failed ? 1 : 0;
      }
    }
    int failedOfTen = (int) ten.stream().filter(l -> l.startsWith("fail")).count();
    return new Result(exitNanos / 1_000_000, failedOfTen, during, failedDuring, after, failedAfter, firstFailure);
  }

  static void stopAll(List<ForkedApp> apps) throws Exception {
    List<Thread> stops = new ArrayList<>();
    for (ForkedApp app : apps) {
      Thread t = new Thread(() -> {
        try {
          app.close();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "cmp-stop-" + app.name);
      t.start();
      stops.add(t);
    }
    for (Thread t : stops) {
      t.join();
    }
  }
}
