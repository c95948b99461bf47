package io.mse.client.spring.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NoInstanceAvailableException;
import io.mse.client.spring.registry.TestApplications.Gate;
import io.mse.client.testing.nacos.NacosConformance;
import io.mse.client.testing.nacos.NacosServerTarget;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A started Spring application registers on each real Nacos server with its web server's port, and
 * on close deregisters before its web server stops: a load-balanced caller following the service sees
 * no failure while one of two providers shuts down. Prints the close-to-exit times (System.err) for
 * the record; they are not asserted beyond "less than the drain timeout".
 */
@NacosConformance
class RegistrationOnNacosIT {

  private static final Duration VISIBLE = Duration.ofSeconds(20);

  @TempDir
  Path snapshots;

  private final NacosServerTarget server;
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final List<ConfigurableApplicationContext> started = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private MseClient caller;

  RegistrationOnNacosIT(NacosServerTarget server) {
    this.server = server;
  }

  @BeforeEach
  void startCaller() {
    Gate.reset();
    caller = server.clientBuilder(snapshots.resolve("caller")).build();
  }

  @AfterEach
  void closeAll() {
    Gate.release.countDown();
    started.forEach(ConfigurableApplicationContext::close);
    caller.close();
  }

  private ConfigurableApplicationContext provider(String service, String name) {
    List<String> properties = new ArrayList<>(List.of("server.port=0", "spring.application.name=" + service,
        "mse.server-addr=" + server.address(), "mse.snapshot-dir=" + snapshots.resolve(name),
        "mse.request-timeout=5s", "mse.discovery.ip=127.0.0.1", "mse.discovery.drain-timeout=30s"));
    if (server.auth()) {
      properties.add("mse.username=" + server.username());
      properties.add("mse.password=" + server.password());
    }
    ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplications.ServletApp.class)
        .web(WebApplicationType.SERVLET).registerShutdownHook(false).properties(properties.toArray(String[]::new)).run();
    started.add(context);
    return context;
  }

  private static int port(ConfigurableApplicationContext context) {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  private List<Integer> ports(String service) {
    return caller.naming().getAllInstances(service).stream().map(Instance::port).sorted().toList();
  }

  @Test
  void registersWithTheRealPortAndDeregistersOnCloseAfterTheRequestInFlight() throws Exception {
    String service = "mse-spring-it-" + run;
    ConfigurableApplicationContext app = provider(service, "a");
    int port = port(app);
    await().atMost(VISIBLE).untilAsserted(() -> assertThat(ports(service)).containsExactly(port));
    Instance registered = caller.naming().getAllInstances(service).get(0);
    assertThat(registered.ip()).isEqualTo("127.0.0.1");
    assertThat(registered.metadata()).containsEntry(Instance.START_TIME_METADATA_KEY, Long.toString(app.getStartupDate()))
        .containsEntry("secure", "false");

    CompletableFuture<HttpResponse<String>> slow = http.sendAsync(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow")).build(), HttpResponse.BodyHandlers.ofString());
    Gate.awaitEntered();
    long start = System.nanoTime();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(app::close);
    await().atMost(VISIBLE).untilAsserted(() -> assertThat(ports(service)).isEmpty());
    assertThat(closing).isNotDone();
    long removedSeenMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    Gate.release.countDown();
    assertThat(slow.get(20, TimeUnit.SECONDS).body()).isEqualTo("slow");
    closing.get(30, TimeUnit.SECONDS);
    long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    System.err.println("[" + server + "] caller saw the removal " + removedSeenMillis + " ms after close began;"
        + " close with a request in flight (released then) took " + closeMillis + " ms");
  }

  @Test
  void aLoadBalancedCallerSeesNoFailureWhileAProviderShutsDown() throws Exception {
    String service = "mse-spring-lb-it-" + run;
    ConfigurableApplicationContext stays = provider(service, "stays");
    ConfigurableApplicationContext leaves = provider(service, "leaves");
    await().atMost(VISIBLE).untilAsserted(() -> assertThat(ports(service))
        .containsExactlyInAnyOrder(port(stays), port(leaves)));

    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger toLeaving = new AtomicInteger();
    List<String> failures = new ArrayList<>();
    int leavingPort = port(leaves);
    CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!stop.get() && System.nanoTime() < end && calls.get() < 50_000) {
        Instance target;
        try {
          target = caller.naming().selectOneHealthyInstance(service);
        } catch (NoInstanceAvailableException e) {
          failures.add("no instance");
          continue;
        }
        calls.incrementAndGet();
        if (target.port() == leavingPort) {
          toLeaving.incrementAndGet();
        }
        try {
          HttpResponse<String> response = http.send(HttpRequest.newBuilder(
              URI.create("http://" + target.address() + "/hello")).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() != 200) {
            failures.add(target.address() + " answered " + response.statusCode());
          }
        } catch (Exception e) {
          failures.add(target.address() + ": " + e);
        }
      }
    });
    await().atMost(VISIBLE).until(() -> toLeaving.get() > 20);

    long start = System.nanoTime();
    leaves.close();   // what a SIGTERM's shutdown hook does
    long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    int callsAtClose = calls.get();
    await().atMost(VISIBLE).until(() -> calls.get() > callsAtClose + 200);
    stop.set(true);
    load.get(30, TimeUnit.SECONDS);

    System.err.println("[" + server + "] provider close (SIGTERM-like, nothing in flight) took " + closeMillis
        + " ms; caller made " + calls.get() + " calls, " + toLeaving.get() + " to the leaving provider, "
        + failures.size() + " failed");
    assertThat(failures).isEmpty();
    assertThat(closeMillis).isLessThan(30_000);   // drained, not held for the whole drain timeout
    assertThat(ports(service)).containsExactly(port(stays));
  }
}
