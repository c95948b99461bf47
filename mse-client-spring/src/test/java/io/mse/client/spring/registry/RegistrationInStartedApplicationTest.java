package io.mse.client.spring.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingService;
import io.mse.client.spring.registry.TestApplications.Gate;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * Real applications on a random port (Tomcat, Reactor Netty) on the embedded engine, watched by a
 * caller's own client: registration with the real port, deregistration before the web server stops,
 * the drain, child contexts.
 */
class RegistrationInStartedApplicationTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final AtomicInteger IDS = new AtomicInteger();

  @TempDir
  static Path snapshots;

  private static MseClient caller;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<ConfigurableApplicationContext> started = new ArrayList<>();

  @BeforeAll
  static void startCaller() {
    caller = MseClient.builder().snapshotDir(snapshots.resolve("caller")).build();
  }

  @AfterAll
  static void closeCaller() {
    caller.close();
  }

  @BeforeEach
  void resetGate() {
    Gate.reset();
  }

  @AfterEach
  void closeApplications() {
    Gate.release.countDown();
    started.forEach(ConfigurableApplicationContext::close);
  }

  private ConfigurableApplicationContext start(Class<?> app, WebApplicationType type, String service, String... properties) {
    SpringApplicationBuilder builder = new SpringApplicationBuilder(app).web(type).registerShutdownHook(false)
        .properties("server.port=0", "spring.application.name=" + service, "mse.snapshot-dir=" + snapshots.resolve(service))
        .properties(properties);
    ConfigurableApplicationContext context = builder.run();
    started.add(context);
    return context;
  }

  private static String service(String name) {
    return name + "-" + IDS.incrementAndGet();
  }

  private static int port(ConfigurableApplicationContext context) {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  private static List<Instance> instances(String service) {
    return caller.naming().getAllInstances(service);
  }

  private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private CompletableFuture<HttpResponse<String>> getAsync(int port, String path) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void registersWithTheWebServersRealPortAddressAndMetadata() {
    String service = service("order-service");
    ConfigurableApplicationContext app = start(TestApplications.ServletApp.class, WebApplicationType.SERVLET, service,
        "mse.discovery.metadata.version=v2", "mse.discovery.cluster=east", "mse.discovery.weight=3");
    int port = port(app);
    assertThat(port).isPositive();

    await().atMost(WAIT).untilAsserted(() -> assertThat(instances(service)).hasSize(1));
    Instance instance = instances(service).get(0);
    assertThat(instance.port()).isEqualTo(port);
    assertThat(instance.ip()).isEqualTo(app.getBean(MseRegistration.class).getHost());
    assertThat(instance.clusterName()).isEqualTo("east");
    assertThat(instance.weight()).isEqualTo(3.0);
    assertThat(instance.ephemeral()).isTrue();
    assertThat(instance.metadata()).containsEntry("version", "v2").containsEntry("secure", "false")
        .containsEntry(Instance.START_TIME_METADATA_KEY, Long.toString(app.getStartupDate()));
    assertThat(app.getBean(MseServiceRegistry.class).<String>getStatus(app.getBean(MseRegistration.class)))
        .isEqualTo("UP");

    long start = System.nanoTime();
    app.close();
    System.err.println("[embedded] close with nothing in flight (default 1 s push margin) took "
        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
    await().atMost(WAIT).untilAsserted(() -> assertThat(instances(service)).isEmpty());
  }

  @Test
  void deregistersBeforeTheWebServerStopsTakingRequestsAndWaitsForTheRequestInFlight() throws Exception {
    String service = service("payment-service");
    ConfigurableApplicationContext app = start(TestApplications.ServletApp.class, WebApplicationType.SERVLET, service,
        "mse.discovery.drain-timeout=30s", "mse.discovery.drain-push-margin=100ms");
    int port = port(app);
    GracefulDeregistration deregistration = app.getBean(GracefulDeregistration.class);
    InFlightRequests inFlight = app.getBean(InFlightRequests.class);
    await().atMost(WAIT).untilAsserted(() -> assertThat(instances(service)).hasSize(1));

    CompletableFuture<HttpResponse<String>> slow = getAsync(port, "/slow");
    Gate.awaitEntered();
    assertThat(inFlight.current()).isEqualTo(1);
    CompletableFuture<Void> closing = CompletableFuture.runAsync(app::close);

    // the caller sees the instance gone while the web server still serves a new request
    await().atMost(WAIT).untilAsserted(() -> assertThat(instances(service)).isEmpty());
    HttpResponse<String> afterDeregistration = get(port, "/hello");
    assertThat(afterDeregistration.statusCode()).isEqualTo(200);
    assertThat(afterDeregistration.body()).isEqualTo("hello");
    assertThat(closing).isNotDone();   // the drain holds the shutdown for the request in flight

    Gate.release.countDown();
    assertThat(slow.get(20, TimeUnit.SECONDS).body()).isEqualTo("slow");
    closing.get(20, TimeUnit.SECONDS);

    GracefulDeregistration.DrainReport report = deregistration.lastDrain();
    System.err.println("[embedded] drain with a request in flight: " + report);
    assertThat(report.deregistered()).isTrue();
    assertThat(report.removalSeen()).isNotNull();
    assertThat(report.idle()).isNotNull().isGreaterThanOrEqualTo(report.removalSeen());
    assertThat(report.timedOut()).isFalse();
    HttpClient fresh = HttpClient.newHttpClient();
    assertThatThrownBy(() -> fresh.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello")).build(),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
  }

  @Test
  void theDrainIsBoundedByTheDrainTimeout() throws Exception {
    String service = service("stuck-service");
    ConfigurableApplicationContext app = start(TestApplications.ServletApp.class, WebApplicationType.SERVLET, service,
        "mse.discovery.drain-timeout=1s", "mse.discovery.drain-push-margin=0s", "server.shutdown=immediate");
    int port = port(app);
    GracefulDeregistration deregistration = app.getBean(GracefulDeregistration.class);
    await().atMost(WAIT).untilAsserted(() -> assertThat(instances(service)).hasSize(1));
    CompletableFuture<HttpResponse<String>> stuck = getAsync(port, "/slow");
    Gate.awaitEntered();

    CompletableFuture<Void> closing = CompletableFuture.runAsync(app::close);

    await().atMost(WAIT).until(closing::isDone);
    assertThat(Gate.release.getCount()).isEqualTo(1);   // the request never ended: the timeout ended the drain
    GracefulDeregistration.DrainReport report = deregistration.lastDrain();
    assertThat(report.timedOut()).isTrue();
    assertThat(report.deregistered()).isTrue();
    assertThat(report.idle()).isNull();
    assertThat(instances(service)).isEmpty();
    Gate.release.countDown();
    stuck.handle((r, e) -> null).get(20, TimeUnit.SECONDS);
  }

  @Test
  void aChildContextNeitherRegistersNorDeregisters() {
    String service = service("inventory-service");
    ConfigurableApplicationContext root = start(TestApplications.ServletApp.class, WebApplicationType.SERVLET, service);
    GracefulDeregistration deregistration = root.getBean(GracefulDeregistration.class);
    await().atMost(WAIT).untilAsserted(() -> assertThat(instances(service)).hasSize(1));

    // a child that runs the auto-configurations (SpringApplicationBuilder.child) ...
    ConfigurableApplicationContext child = new SpringApplicationBuilder(TestApplications.ChildApp.class).parent(root)
        .web(WebApplicationType.NONE).registerShutdownHook(false).run();
    assertThat(child.getBeanFactory().getBeanNamesForType(GracefulDeregistration.class)).isEmpty();
    assertThat(child.getBeanFactory().getBeanNamesForType(MseAutoServiceRegistration.class)).isEmpty();
    assertThat(child.getBean(NamingService.class)).isSameAs(root.getBean(NamingService.class));
    // ... and one per client, as Spring Cloud's NamedContextFactory makes for Feign and LoadBalancer
    AnnotationConfigApplicationContext named = new AnnotationConfigApplicationContext();
    named.setParent(root);
    named.register(Object.class);
    named.refresh();

    child.close();
    named.close();

    await().during(Duration.ofMillis(500)).atMost(WAIT)
        .untilAsserted(() -> assertThat(instances(service)).hasSize(1));
    assertThat(deregistration.lastDrain()).isNull();
    assertThat(deregistration.isRunning()).isTrue();

    root.close();
    await().atMost(WAIT).untilAsserted(() -> assertThat(instances(service)).isEmpty());
    assertThat(deregistration.lastDrain()).isNotNull();
  }

  @Test
  void aReactiveApplicationRegistersAndDrainsItsExchangesInFlight() throws Exception {
    String service = service("reactive-service");
    ConfigurableApplicationContext app = start(TestApplications.ReactiveApp.class, WebApplicationType.REACTIVE, service,
        "mse.discovery.drain-timeout=30s", "mse.discovery.drain-push-margin=100ms");
    int port = port(app);
    GracefulDeregistration deregistration = app.getBean(GracefulDeregistration.class);
    InFlightRequests inFlight = app.getBean(InFlightRequests.class);
    await().atMost(WAIT).untilAsserted(() -> assertThat(instances(service)).extracting(Instance::port)
        .containsExactly(port));

    CompletableFuture<HttpResponse<String>> slow = getAsync(port, "/slow");
    Gate.awaitEntered();
    assertThat(inFlight.current()).isEqualTo(1);
    CompletableFuture<Void> closing = CompletableFuture.runAsync(app::close);
    await().atMost(WAIT).untilAsserted(() -> assertThat(instances(service)).isEmpty());
    assertThat(get(port, "/hello").body()).isEqualTo("hello");
    assertThat(closing).isNotDone();

    Gate.release.countDown();
    assertThat(slow.get(20, TimeUnit.SECONDS).body()).isEqualTo("slow");
    closing.get(20, TimeUnit.SECONDS);
    assertThat(deregistration.lastDrain().idle()).isNotNull();
    assertThat(deregistration.lastDrain().timedOut()).isFalse();
  }

  @Test
  void anUnreachableServerDoesNotFailTheStartAndTheRegistrationIsRetried() {
    String service = service("offline-service");
    ConfigurableApplicationContext app = start(TestApplications.ServletApp.class, WebApplicationType.SERVLET, service,
        "mse.server-addr=127.0.0.1:1", "mse.request-timeout=300ms");
    MseAutoServiceRegistration registration = app.getBean(MseAutoServiceRegistration.class);
    assertThat(registration.isRunning()).isTrue();
    assertThat(registration.isRetrying()).isTrue();
    app.close();
    assertThat(registration.isRetrying()).isFalse();
  }
}
