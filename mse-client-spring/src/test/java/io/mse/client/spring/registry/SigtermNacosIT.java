package io.mse.client.spring.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingListener;
import io.mse.client.naming.NoInstanceAvailableException;
import io.mse.client.testing.nacos.NacosConformance;
import io.mse.client.testing.nacos.NacosServerTarget;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A provider in a JVM of its own, stopped with a real SIGTERM ({@link Process#destroy()} on Linux),
 * on each real Nacos server of the build: it deregisters before its process exits (a caller's
 * subscription sees the instance gone while the process still runs, and the process logs its drain),
 * and a caller balancing over it and a second provider sees no failed call. Prints the figures
 * (SIGTERM to exit, to the removal seen by the caller) for the record; asserts only that the exit
 * comes before the drain timeout.
 */
@NacosConformance
class SigtermNacosIT {

  private static final Duration VISIBLE = Duration.ofSeconds(30);
  private static final Pattern DRAINED = Pattern.compile("Drained '[^']+' in (\\d+) ms \\(removal seen after ([^,]+),");

  private final NacosServerTarget server;
  private final String service = "mse-spring-sigterm-it-" + UUID.randomUUID().toString().substring(0, 8);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  @TempDir
  Path snapshots;
  private Process forked;
  private ConfigurableApplicationContext staying;
  private MseClient caller;

  SigtermNacosIT(NacosServerTarget server) {
    this.server = server;
  }

  @AfterEach
  void stopAll() {
    if (forked != null) {
      forked.destroyForcibly();
    }
    if (staying != null) {
      staying.close();
    }
    if (caller != null) {
      caller.close();
    }
  }

  private List<String> properties(String name) {
    List<String> properties = new ArrayList<>(List.of("server.port=0", "spring.application.name=" + service,
        "mse.server-addr=" + server.address(), "mse.snapshot-dir=" + snapshots.resolve(name), "mse.request-timeout=5s",
        "mse.discovery.ip=127.0.0.1", "mse.discovery.drain-timeout=20s"));
    if (server.auth()) {
      properties.add("mse.username=" + server.username());
      properties.add("mse.password=" + server.password());
    }
    return properties;
  }

  private Process fork(Path log) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.log.io.mse.client.spring.registry=info",
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        ForkedProvider.class.getName()));
    properties("forked").forEach(property -> command.add("--" + property));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  @Test
  void aSigtermDeregistersBeforeTheProcessExitsAndNoCallFails() throws Exception {
    caller = server.clientBuilder(snapshots.resolve("caller")).build();
    Path log = snapshots.resolve("forked.log");
    forked = fork(log);
    staying = new SpringApplicationBuilder(TestApplications.ServletApp.class).web(WebApplicationType.SERVLET)
        .registerShutdownHook(false).properties(properties("staying").toArray(String[]::new)).run();
    int stayingPort = ((WebServerApplicationContext) staying).getWebServer().getPort();
    await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(caller.naming().getAllInstances(service))
        .as("both providers registered (the forked one's log: %s)", log).hasSize(2));
    int forkedPort = caller.naming().getAllInstances(service).stream().mapToInt(Instance::port)
        .filter(port -> port != stayingPort).findFirst().orElseThrow();

    AtomicLong removalSeen = new AtomicLong();
    NamingListener watcher = event -> {
      if (event.instances().stream().noneMatch(instance -> instance.port() == forkedPort)) {
        removalSeen.compareAndSet(0, System.nanoTime());
      }
    };
    caller.naming().subscribe(service, "DEFAULT_GROUP", watcher);
    Calls calls = new Calls(forkedPort);
    CompletableFuture<Void> load = CompletableFuture.runAsync(calls);
    await().atMost(VISIBLE).until(() -> calls.toForked.get() > 20);

    long sigterm = System.nanoTime();
    forked.destroy();   // SIGTERM on Linux
    assertThat(forked.waitFor(60, TimeUnit.SECONDS)).as("the process exits").isTrue();
    long exited = System.nanoTime();
    int callsAtExit = calls.made.get();
    await().atMost(VISIBLE).until(() -> calls.made.get() > callsAtExit + 100);
    calls.stop.set(true);
    load.get(30, TimeUnit.SECONDS);
    caller.naming().unsubscribe(service, "DEFAULT_GROUP", watcher);

    String output = Files.readString(log);
    Matcher drained = DRAINED.matcher(output);
    assertThat(drained.find()).as("the forked provider drained before it exited:%n%s", output).isTrue();
    assertThat(removalSeen.get()).as("the caller saw the removal").isPositive();
    assertThat(removalSeen.get()).as("the removal was seen while the process still ran").isLessThan(exited);
    assertThat(calls.failures).isEmpty();
    long exitMillis = TimeUnit.NANOSECONDS.toMillis(exited - sigterm);
    assertThat(exitMillis).as("drained, not held for the whole drain timeout").isLessThan(20_000);
    System.err.println("[" + server + "] SIGTERM -> process exit " + exitMillis + " ms (exit code " + forked.exitValue()
        + "); SIGTERM -> removal seen by a caller " + TimeUnit.NANOSECONDS.toMillis(removalSeen.get() - sigterm)
        + " ms; the provider's own drain " + drained.group(1) + " ms (its subscription saw the removal after "
        + drained.group(2) + "); caller made " + calls.made.get() + " calls, " + calls.toForked.get()
        + " to the stopped provider, " + calls.failures.size() + " failed");
  }

  /** A caller choosing a healthy instance of the service for each call, as a load-balanced client does. */
  private final class Calls implements Runnable {
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicInteger made = new AtomicInteger();
    final AtomicInteger toForked = new AtomicInteger();
    final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final int forkedPort;

    Calls(int forkedPort) {
      this.forkedPort = forkedPort;
    }

    @Override
    public void run() {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!stop.get() && System.nanoTime() < end) {
        Instance target;
        try {
          target = caller.naming().selectOneHealthyInstance(service);
        } catch (NoInstanceAvailableException e) {
          failures.add("no instance");
          continue;
        }
        made.incrementAndGet();
        if (target.port() == forkedPort) {
          toForked.incrementAndGet();
        }
        try {
          HttpResponse<String> response = http.send(HttpRequest.newBuilder(
              URI.create("http://" + target.address() + "/hello")).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() != 200) {
            failures.add(target.address() + " answered " + response.statusCode());
          }
        } catch (IOException | InterruptedException e) {
          failures.add(target.address() + ": " + e);
        }
      }
    }
  }
}
