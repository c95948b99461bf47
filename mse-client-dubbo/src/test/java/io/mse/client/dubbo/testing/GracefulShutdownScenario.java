package io.mse.client.dubbo.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.dubbo.registry.Figures;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.dubbo.common.URL;

/**
 * Calls in a loop while one of two providers stops: the stopping one runs alone in a child JVM over
 * triple (Dubbo's default application, whose protocols close right after it unregisters, as in
 * production), the other provider and the consumer in the test JVM.
 */
public final class GracefulShutdownScenario {

  /** What a run saw. */
  public record Outcome(int calls, Map<String, Integer> answeredBy, List<String> failures, long stopMillis,
      long removalSeenByConsumerMillis) {}

  private GracefulShutdownScenario() {}

  /**
   * Runs the scenario.
   *
   * @param registry the registry address of all three applications
   * @param parameters the registry parameters of all three (the provider's own drain settings among them)
   * @param registerMode the stopping provider's and the other provider's register mode
   * @param migrationStep the consumer's {@code migration.step}
   * @param dir where the child's log goes
   */
  public static Outcome run(String registry, Map<String, String> parameters, String registerMode,
      String migrationStep, String application, Path dir) throws Exception {
    int p1Port = DubboApp.freePort();
    String drainOverride = System.getProperty("mse.it.drain-timeout-millis"); // 0: measure the same stop undrained
    if (drainOverride != null) {
      parameters = new java.util.LinkedHashMap<>(parameters);
      parameters.put("mse.drain-timeout-millis", drainOverride);
    }
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Ddubbo.service.shutdown.wait=6000", "-cp", System.getProperty("java.class.path"),
        ProviderProcess.class.getName(), registry, application, "p1", Integer.toString(p1Port), registerMode));
    parameters.forEach((k, v) -> command.add(k + "=" + v));
    Process child = new ProcessBuilder(command).redirectError(dir.resolve("p1.log").toFile()).start();
    try (DubboApp p2 = DubboApp.named(application).registry(registry, parameters).registerMode(registerMode)
            .provide("p2", "1.0.0", null).start();
        DubboApp consumer = DubboApp.named(application + "-consumer").registry(registry, parameters)
            .consume("greeter", "1.0.0", null, Map.of("migration.step", migrationStep)).start()) {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String first = out.readLine();
      if (!"started".equals(first)) {
        List<String> log = Files.readAllLines(dir.resolve("p1.log"));
        throw new AssertionError("the child provider did not start (" + first + "); the end of its log:\n"
            + String.join("\n", log.subList(Math.max(0, log.size() - 40), log.size())));
      }
      boolean applicationLevel = migrationStep.equals("FORCE_APPLICATION");
      await().atMost(Duration.ofSeconds(60)).until(() -> ports(consumer, applicationLevel).size() == 2);

      Map<String, Integer> answeredBy = new ConcurrentHashMap<>();
      List<String> failures = new CopyOnWriteArrayList<>();
      AtomicInteger calls = new AtomicInteger();
      AtomicBoolean running = new AtomicBoolean(true);
      Thread caller = new Thread(() -> {
        while (running.get()) {
          calls.incrementAndGet();
          try {
            String answer = consumer.greeter().greet("x");
            answeredBy.merge(answer.substring(0, answer.indexOf(':')), 1, Integer::sum);
          } catch (RuntimeException e) {
            failures.add(e.toString());
          }
        }
      }, "graceful-shutdown-caller");
      caller.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> answeredBy.getOrDefault("p1", 0) > 20
          && answeredBy.getOrDefault("p2", 0) > 20);

      long stopStart = System.nanoTime();
      Writer in = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
      in.write("stop\n");
      in.flush();
      await().atMost(Duration.ofSeconds(30)).until(() -> ports(consumer, applicationLevel).equals(List.of(p2.port())));
      long removalSeen = (System.nanoTime() - stopStart) / 1_000_000;
      String stopped = out.readLine();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      int before = calls.get();
      await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() > before + 50); // calls go on to p2
      running.set(false);
      caller.join();
      assertThat(stopped).startsWith("stopped ");
      return new Outcome(calls.get(), Map.copyOf(answeredBy), List.copyOf(failures),
          Long.parseLong(stopped.substring("stopped ".length())), removalSeen);
    } finally {
      child.destroyForcibly();
    }
  }

  /**
   * Prints the run's figures under {@code label} and checks that no call failed and both providers
   * answered some.
   */
  public static void assertNoCallFailed(String label, Outcome outcome) {
    String what = label + " (" + outcome.calls() + " calls, " + outcome.failures().size() + " failed): ";
    Figures.record(what + "stop -> consumer dropped the provider", outcome.removalSeenByConsumerMillis() * 1_000_000);
    Figures.record(what + "the provider's bootstrap.stop()", outcome.stopMillis() * 1_000_000);
    assertThat(outcome.failures()).isEmpty();
    assertThat(outcome.answeredBy()).containsKeys("p1", "p2");
  }

  private static List<Integer> ports(DubboApp consumer, boolean applicationLevel) {
    List<URL> urls = applicationLevel ? consumer.applicationLevelProviders("greeter")
        : consumer.interfaceLevelProviders("greeter");
    return urls.stream().map(URL::getPort).sorted().toList();
  }
}
