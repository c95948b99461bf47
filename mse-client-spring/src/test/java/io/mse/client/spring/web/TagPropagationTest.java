package io.mse.client.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.governance.Destination;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernanceRules;
import io.mse.client.governance.RouteMatch;
import io.mse.client.governance.RouteRule;
import io.mse.client.governance.TagContext;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingService;
import io.mse.client.spring.loadbalancer.CallerApp;
import io.mse.client.spring.loadbalancer.TestProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.http.client.ReactorClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The tag across two hops, with real applications on the embedded engine: a caller → a gateway
 * application (servlet on Tomcat, or WebFlux on Netty) → a backend service of two instances,
 * {@code version=v1} and a gray {@code version=v2}. The gateway's rules route tag {@code gray} to v2
 * and everything else to v1, so the backend instance that answers shows whether the tag reached the
 * gateway's outbound call; the backend also records the header it received.
 */
class TagPropagationTest {

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final AtomicInteger RUNS = new AtomicInteger();

  @TempDir
  static Path snapshots;

  static MseClient registry;
  static TestProvider stable;
  static TestProvider gray;
  static String backend;
  static ConfigurableApplicationContext caller;
  static RestClient callerClient;
  static ConfigurableApplicationContext servletGateway;
  static String servletGatewayService;
  static ConfigurableApplicationContext reactiveGateway;
  static String reactiveGatewayService;

  @BeforeAll
  static void start() throws Exception {
    registry = MseClient.builder().serverAddr("embedded").snapshotDir(snapshots.resolve("registry")).build();
    int run = RUNS.incrementAndGet();
    backend = "backend-" + run;
    stable = TestProvider.start("b-v1", "version", "v1");
    gray = TestProvider.start("b-gray", "version", "v2");
    registry.naming().registerInstance(backend, stable.instance());
    registry.naming().registerInstance(backend, gray.instance());

    servletGateway = CallerApp.start(ServletGateway.class, WebApplicationType.SERVLET, "gateway-s" + run,
        snapshots.resolve("servlet"), "backend.service=" + backend, "spring.reactor.context-propagation=auto");
    servletGatewayService = register(servletGateway, "gateway-s" + run);
    reactiveGateway = CallerApp.start(ReactiveGateway.class, WebApplicationType.REACTIVE,
        "gateway-r" + run, snapshots.resolve("reactive"), "backend.service=" + backend,
        "spring.reactor.context-propagation=auto");
    reactiveGatewayService = register(reactiveGateway, "gateway-r" + run);
    for (ConfigurableApplicationContext gateway : new ConfigurableApplicationContext[] {servletGateway, reactiveGateway}) {
      gateway.getBean(Governance.class).setLocalRules(GovernanceRules.builder()
          .route(RouteRule.of(backend, RouteMatch.tag("gray"), Destination.of("version", "v2", 100)))
          .route(RouteRule.of(backend, null, Destination.of("version", "v1", 100))).build());
    }

    caller = CallerApp.start("shop-web" + run, snapshots.resolve("caller"));
    callerClient = caller.getBean(RestClient.Builder.class).build();
    NamingService callerNaming = caller.getBean(NamingService.class);
    await().atMost(WAIT).until(() -> callerNaming.selectInstances(servletGatewayService, "DEFAULT_GROUP", true).size() == 1
        && callerNaming.selectInstances(reactiveGatewayService, "DEFAULT_GROUP", true).size() == 1);
  }

  /** Registers a started application's web server as the one instance of {@code service}. */
  private static String register(ConfigurableApplicationContext app, String service) {
    int port = ((WebServerApplicationContext) app).getWebServer().getPort();
    registry.naming().registerInstance(service, Instance.of("127.0.0.1", port));
    return service;
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {caller, servletGateway, reactiveGateway, stable, gray, registry}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @BeforeEach
  void clearRecords() {
    stable.tags.clear();
    gray.tags.clear();
  }

  /** Calls a gateway path from the caller, 5 times, with the caller thread's tag set to {@code tag} (null: none). */
  private static String relay(String gateway, String path, String tag) {
    String answer = null;
    TagContext.Scope scope = TagContext.open(tag);
    try {
      for (int i = 0; i < 5; i++) {
        String a = callerClient.get().uri("http://" + gateway + path).retrieve().body(String.class);
        assertThat(answer == null || answer.equals(a)).as("the same backend answers every call: %s, %s", answer, a)
            .isTrue();
        answer = a;
      }
    } finally {
      scope.close();
    }
    return answer;
  }

  @Test
  void aServletRequestsTagReachesTheNextHopAndRoutesItToTheGraySubset() {
    assertThat(relay(servletGatewayService, "/relay", "gray")).isEqualTo("b-gray");
    assertThat(gray.tags).containsOnly("gray").hasSize(5);

    assertThat(relay(servletGatewayService, "/relay", null)).isEqualTo("b-v1");
    assertThat(stable.tags).containsOnly("-").hasSize(5);
  }

  @Test
  void theTagIsCarriedIntoAsyncMethods() {
    assertThat(relay(servletGatewayService, "/relay-async", "gray")).isEqualTo("b-gray");
    assertThat(gray.tags).containsOnly("gray");

    assertThat(relay(servletGatewayService, "/relay-async", null)).isEqualTo("b-v1");
    assertThat(stable.tags).containsOnly("-");
  }

  @Test
  void theTagIsCarriedOntoAReactorWorkerWithAutomaticContextPropagation() {
    assertThat(relay(servletGatewayService, "/relay-reactor", "gray")).isEqualTo("b-gray");
    assertThat(gray.tags).containsOnly("gray");

    assertThat(relay(servletGatewayService, "/relay-reactor", null)).isEqualTo("b-v1");
  }

  @Test
  void aWebFluxRequestsTagReachesTheNextHopThroughTheReactorContext() {
    assertThat(relay(reactiveGatewayService, "/relay", "gray")).isEqualTo("b-gray");
    assertThat(gray.tags).containsOnly("gray").hasSize(5);

    assertThat(relay(reactiveGatewayService, "/relay", null)).isEqualTo("b-v1");
    assertThat(stable.tags).containsOnly("-");
  }

  @Test
  void aWebFluxRequestsTagReachesABlockingCallOnAReactorWorker() {
    assertThat(relay(reactiveGatewayService, "/relay-blocking", "gray")).isEqualTo("b-gray");
    assertThat(gray.tags).containsOnly("gray");

    assertThat(relay(reactiveGatewayService, "/relay-blocking", null)).isEqualTo("b-v1");
  }

  @Test
  void aTagHeaderSetOnTheRequestIsCarriedLikeAContextTag() {
    String answer = callerClient.get().uri("http://" + servletGatewayService + "/relay").header(TagContext.HEADER, "gray")
        .retrieve().body(String.class);

    assertThat(answer).isEqualTo("b-gray");
    assertThat(gray.tags).containsExactly("gray");
  }

  // ---- the gateway applications ----

  /** A servlet gateway: Tomcat, a load-balanced RestClient, @Async. */
  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @EnableAsync
  @Import({ServletRelay.class, AsyncRelay.class})
  static class ServletGateway {

    @Bean
    @LoadBalanced
    RestClient.Builder loadBalancedRestClientBuilder() {
      // pinned: Spring would pick Apache HttpClient 5, which is on the test class path for BlockingTimeoutsTest
    return RestClient.builder().requestFactory(new ReactorClientHttpRequestFactory());
    }
  }

  @Component
  static class AsyncRelay {
    private final RestClient client;
    private final String url;

    AsyncRelay(RestClient.Builder builder, @Value("${backend.service}") String backend) {
      this.client = builder.build();
      this.url = "http://" + backend + "/who";
    }

    @Async
    public CompletableFuture<String> relay() {
      return CompletableFuture.completedFuture(client.get().uri(url).retrieve().body(String.class));
    }
  }

  @RestController
  static class ServletRelay {
    private final RestClient client;
    private final AsyncRelay async;
    private final String url;

    ServletRelay(RestClient.Builder builder, AsyncRelay async, @Value("${backend.service}") String backend) {
      this.client = builder.build();
      this.async = async;
      this.url = "http://" + backend + "/who";
    }

    @GetMapping("/relay")
    String relay() {
      return client.get().uri(url).retrieve().body(String.class);
    }

    @GetMapping("/relay-async")
    String relayAsync() {
      return async.relay().join();
    }

    @GetMapping("/relay-reactor")
    String relayOnAReactorWorker() {
      return Mono.fromCallable(() -> client.get().uri(url).retrieve().body(String.class))
          .subscribeOn(Schedulers.boundedElastic()).block(WAIT);
    }
  }

  /** A WebFlux gateway: Netty, a load-balanced WebClient, and a load-balanced RestClient used on a worker. */
  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import(ReactiveRelay.class)
  static class ReactiveGateway {

    @Bean
    @LoadBalanced
    WebClient.Builder loadBalancedWebClientBuilder() {
      return WebClient.builder();
    }

    @Bean
    @LoadBalanced
    RestClient.Builder loadBalancedRestClientBuilder() {
      // pinned: Spring would pick Apache HttpClient 5, which is on the test class path for BlockingTimeoutsTest
    return RestClient.builder().requestFactory(new ReactorClientHttpRequestFactory());
    }
  }

  @RestController
  static class ReactiveRelay {
    private final WebClient client;
    private final RestClient blocking;
    private final String url;

    ReactiveRelay(WebClient.Builder builder, RestClient.Builder blocking, @Value("${backend.service}") String backend) {
      this.client = builder.build();
      this.blocking = blocking.build();
      this.url = "http://" + backend + "/who";
    }

    @GetMapping("/relay")
    Mono<String> relay() {
      return client.get().uri(url).retrieve().bodyToMono(String.class);
    }

    @GetMapping("/relay-blocking")
    Mono<String> relayBlocking() {
      Supplier<String> call = () -> blocking.get().uri(url).retrieve().body(String.class);
      return Mono.fromSupplier(call).subscribeOn(Schedulers.boundedElastic());
    }
  }
}
