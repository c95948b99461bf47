package io.mse.client.spring.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.governance.CallTimeoutException;
import io.mse.client.governance.CircuitBreakerRule;
import io.mse.client.governance.CircuitOpenException;
import io.mse.client.governance.CircuitState;
import io.mse.client.governance.Destination;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernanceRules;
import io.mse.client.governance.LoadBalancerType;
import io.mse.client.governance.OutlierDetectionRule;
import io.mse.client.governance.RateLimitRule;
import io.mse.client.governance.RateLimitedException;
import io.mse.client.governance.RetryRule;
import io.mse.client.governance.RouteMatch;
import io.mse.client.governance.RouteRule;
import io.mse.client.governance.SlidingWindowType;
import io.mse.client.naming.NamingService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * The load-balanced clients of a real Spring Boot application (Spring Cloud LoadBalancer on the class
 * path too) calling real HTTP providers registered in the embedded engine: routes, rate limits,
 * circuit breakers, retries, outlier ejection, timeouts and instance removal, each seen from the
 * calls' results and the providers' own request counts.
 */
class GovernedClientsTest {

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String CALLER = "order-service";
  private static final AtomicInteger SERVICES = new AtomicInteger();

  @TempDir
  static Path snapshots;

  static MseClient registry;
  static ConfigurableApplicationContext caller;
  static Governance governance;
  static RestClient restClient;
  static RestTemplate restTemplate;
  static WebClient webClient;

  private final List<TestProvider> providers = new ArrayList<>();

  @BeforeAll
  static void startCaller() {
    registry = MseClient.builder().serverAddr("embedded").snapshotDir(snapshots.resolve("registry")).build();
    caller = CallerApp.start(CALLER, snapshots.resolve("caller"));
    governance = caller.getBean(Governance.class);
    restClient = caller.getBean(RestClient.Builder.class).build();
    restTemplate = caller.getBean(RestTemplate.class);
    webClient = caller.getBean(WebClient.Builder.class).build();
  }

  @AfterAll
  static void stopCaller() {
    caller.close();
    registry.close();
  }

  @AfterEach
  void stopProviders() {
    governance.setLocalRules(GovernanceRules.EMPTY);
    providers.forEach(TestProvider::close);
  }

  /** Starts providers (name, then labels), registers them as a new service and waits until the caller sees them all. */
  private String service(TestProvider... started) {
    String service = "stock-" + SERVICES.incrementAndGet();
    for (TestProvider p : started) {
      providers.add(p);
      registry.naming().registerInstance(service, p.instance());
    }
    NamingService callerNaming = caller.getBean(NamingService.class);
    await().atMost(WAIT).until(() -> callerNaming.selectInstances(service, "DEFAULT_GROUP", true).size() == started.length);
    return service;
  }

  private static String get(String service) {
    return restClient.get().uri("http://" + service + "/who").retrieve().body(String.class);
  }

  private static Map<String, Integer> sample(int calls, java.util.function.Supplier<String> call) {
    Map<String, Integer> answers = new HashMap<>();
    for (int i = 0; i < calls; i++) {
      answers.merge(call.get(), 1, Integer::sum);
    }
    return answers;
  }

  @Test
  void restClientFollowsARoutePublishedInTheConfigCenter() throws Exception {
    String service = service(TestProvider.start("v1-a", "version", "v1"), TestProvider.start("v1-b", "version", "v1"),
        TestProvider.start("v2", "version", "v2"));
    String dataId = CALLER + Governance.APPLICATION_DATA_ID_SUFFIX;
    registry.config().publishConfig(dataId, Governance.RULES_GROUP, """
        {"version": 1, "routes": [
          {"service": "%s", "match": {"headers": {"x-canary": "yes"}}, "destinations": [{"subset": {"version": "v2"}}]},
          {"service": "%s", "destinations": [{"subset": {"version": "v1"}}]}]}""".formatted(service, service));
    try {
      await().atMost(WAIT).until(() -> governance.rules().routes().stream().anyMatch(r -> r.service().equals(service)));

      Map<String, Integer> canary = sample(20, () -> restClient.get().uri("http://" + service + "/who")
          .header("x-canary", "yes").retrieve().body(String.class));
      Map<String, Integer> others = sample(40, () -> get(service));

      assertThat(canary).containsOnlyKeys("v2");
      assertThat(others).containsOnlyKeys("v1-a", "v1-b");
      assertThat(governance.counters(service).successes()).isEqualTo(60);
    } finally {
      registry.config().removeConfig(dataId, Governance.RULES_GROUP);
    }
  }

  @Test
  void restTemplateAndWebClientAreRoutedAndCountedToo() throws Exception {
    String service = service(TestProvider.start("v1", "version", "v1"), TestProvider.start("v2", "version", "v2"));
    governance.setLocalRules(GovernanceRules.builder()
        .route(RouteRule.of(service, RouteMatch.header("x-canary", "yes"), Destination.of("version", "v2", 100)))
        .route(RouteRule.of(service, null, Destination.of("version", "v1", 100))).build());
    HttpHeaders canaryHeaders = new HttpHeaders();
    canaryHeaders.set("x-canary", "yes");

    Map<String, Integer> template = sample(10, () -> restTemplate.exchange("http://" + service + "/who", HttpMethod.GET,
        new HttpEntity<>(canaryHeaders), String.class).getBody());
    Map<String, Integer> templatePlain = sample(10, () -> restTemplate.getForObject("http://" + service + "/who",
        String.class));
    Map<String, Integer> reactive = sample(10, () -> webClient.get().uri("http://" + service + "/who")
        .header("x-canary", "yes").retrieve().bodyToMono(String.class).block(WAIT));
    Map<String, Integer> reactivePlain = sample(10, () -> webClient.get().uri("http://" + service + "/who")
        .retrieve().bodyToMono(String.class).block(WAIT));

    assertThat(template).containsOnlyKeys("v2");
    assertThat(templatePlain).containsOnlyKeys("v1");
    assertThat(reactive).containsOnlyKeys("v2");
    assertThat(reactivePlain).containsOnlyKeys("v1");
    assertThat(governance.counters(service).successes()).isEqualTo(40);
  }

  @Test
  void aRateLimitRefusesTheExcessBeforeAnyRequestIsSent() throws Exception {
    TestProvider provider = TestProvider.start("only");
    String service = service(provider);
    governance.setLocalRules(GovernanceRules.builder().rateLimit(new RateLimitRule(service, 3, Duration.ofHours(1)))
        .build());

    for (int i = 0; i < 3; i++) {
      assertThat(get(service)).isEqualTo("only");
    }
    assertThatThrownBy(() -> get(service)).isInstanceOf(RateLimitedException.class)
        .hasMessageContaining("'" + service + "'");
    assertThatThrownBy(() -> webClient.get().uri("http://" + service + "/who").retrieve().bodyToMono(String.class)
        .block(WAIT)).isInstanceOf(RateLimitedException.class);
    assertThatThrownBy(() -> restTemplate.getForObject("http://" + service + "/who", String.class))
        .isInstanceOf(RateLimitedException.class);

    assertThat(provider.hits).hasValue(3);
    assertThat(governance.counters(service).rateLimited()).isEqualTo(3);
  }

  @Test
  void aCircuitBreakerOpensOnServerErrorsAndThenRefusesWithoutCalling() throws Exception {
    TestProvider failing = TestProvider.start("failing").answer(500);
    String service = service(failing);
    governance.setLocalRules(GovernanceRules.builder().circuitBreaker(CircuitBreakerRule.builder(service)
        .failureRateThreshold(50).minimumNumberOfCalls(4).slidingWindow(SlidingWindowType.COUNT_BASED, 4)
        .waitDurationInOpenState(Duration.ofHours(1)).build()).build());

    for (int i = 0; i < 2; i++) {
      // the failed response is the call's answer: the clients handle it as they always do
      assertThatThrownBy(() -> get(service)).isInstanceOf(HttpServerErrorException.class)
          .satisfies(e -> assertThat(((HttpServerErrorException) e).getResponseBodyAsString()).isEqualTo("failing"));
      assertThatThrownBy(() -> webClient.get().uri("http://" + service + "/who").retrieve().bodyToMono(String.class)
          .block(WAIT)).isInstanceOf(WebClientResponseException.InternalServerError.class)
          .satisfies(e -> assertThat(((WebClientResponseException) e).getResponseBodyAsString()).isEqualTo("failing"));
    }
    assertThat(governance.circuitState(service)).isEqualTo(CircuitState.OPEN);
    assertThatThrownBy(() -> get(service)).isInstanceOf(CircuitOpenException.class);
    assertThatThrownBy(() -> webClient.get().uri("http://" + service + "/who").retrieve().bodyToMono(String.class)
        .block(WAIT)).isInstanceOf(CircuitOpenException.class);

    assertThat(failing.hits).hasValue(4);
  }

  @Test
  void aFailedCallIsRetriedOnAnotherInstanceButAPostThatWasSentIsNot() throws Exception {
    TestProvider bad = TestProvider.start("bad").answer(503);
    TestProvider good = TestProvider.start("good");
    String service = service(bad, good);
    governance.setLocalRules(GovernanceRules.builder()
        .retry(new RetryRule(service, 2, 100, Duration.ofSeconds(10), 100)).build());

    Map<String, Integer> blocking = sample(30, () -> get(service));
    Map<String, Integer> reactive = sample(30, () -> webClient.get().uri("http://" + service + "/who").retrieve()
        .bodyToMono(String.class).block(WAIT));

    assertThat(blocking).containsOnlyKeys("good");
    assertThat(reactive).containsOnlyKeys("good");
    assertThat(bad.hits.get()).isPositive();
    assertThat(governance.counters(service).retries()).isEqualTo(bad.hits.get());

    int badBefore = bad.hits.get();
    long retriesBefore = governance.counters(service).retries();
    int refused = 0;
    for (int i = 0; i < 30; i++) {
      try {
        restClient.post().uri("http://" + service + "/orders").body("order").retrieve().body(String.class);
      } catch (HttpServerErrorException e) {
        refused++;
      }
    }
    assertThat(refused).isPositive().isEqualTo(bad.hits.get() - badBefore);
    assertThat(governance.counters(service).retries()).isEqualTo(retriesBefore);
  }

  @Test
  void anEjectedInstanceIsSkipped() throws Exception {
    TestProvider bad = TestProvider.start("bad").answer(500);
    String service = service(TestProvider.start("a"), TestProvider.start("b"), bad);
    governance.setLocalRules(GovernanceRules.builder().outlierDetection(service, OutlierDetectionRule.builder()
        .consecutiveErrors(2).baseEjectionTime(Duration.ofHours(1)).maxEjectionTime(Duration.ofHours(1)).maxEjectionPercent(50).build()).build());

    await().atMost(WAIT).pollInterval(Duration.ofMillis(1)).until(() -> {
      try {
        get(service);
      } catch (HttpServerErrorException expected) {
        // the bad instance's answer, counted towards its ejection
      }
      return governance.ejectedInstances(service).stream().anyMatch(i -> i.port() == bad.port());
    });
    int badHits = bad.hits.get();

    Map<String, Integer> after = sample(40, () -> get(service));

    assertThat(after).containsOnlyKeys("a", "b");
    assertThat(bad.hits).hasValue(badHits);
  }

  @Test
  void aDeregisteredInstanceIsLeftOutAsSoonAsTheRegistryReportsIt() throws Exception {
    TestProvider staying = TestProvider.start("staying");
    TestProvider leaving = TestProvider.start("leaving");
    String service = service(staying, leaving);
    assertThat(sample(40, () -> get(service))).containsOnlyKeys("staying", "leaving");

    registry.naming().deregisterInstance(service, leaving.instance());
    NamingService callerNaming = caller.getBean(NamingService.class);
    await().atMost(WAIT).until(() -> callerNaming.selectInstances(service, "DEFAULT_GROUP", true).size() == 1);
    int leavingHits = leaving.hits.get();

    // the very next calls, with the leaving instance still up and answering: no cached copy sends to it
    Map<String, Integer> after = sample(40, () -> get(service));
    Map<String, Integer> afterReactive = sample(20, () -> webClient.get().uri("http://" + service + "/who")
        .retrieve().bodyToMono(String.class).block(WAIT));

    assertThat(after).containsOnlyKeys("staying");
    assertThat(afterReactive).containsOnlyKeys("staying");
    assertThat(leaving.hits).hasValue(leavingHits);
  }

  @Test
  void aWebClientAttemptIsCutOffAtItsTimeoutAndRetriedOnAnotherInstance() throws Exception {
    TestProvider slow = TestProvider.start("slow");
    slow.hold();
    TestProvider fast = TestProvider.start("fast");
    String service = service(slow, fast);
    governance.setLocalRules(GovernanceRules.builder().loadBalancer(service, LoadBalancerType.ROUND_ROBIN)
        .timeout(service, Duration.ofMillis(300))
        .retry(new RetryRule(service, 2, 100, Duration.ofSeconds(10), 100)).build());

    Set<String> answers = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      answers.add(webClient.get().uri("http://" + service + "/who").retrieve().bodyToMono(String.class).block(WAIT));
    }

    assertThat(answers).containsExactly("fast");
    assertThat(slow.hits.get()).isPositive();
    assertThat(governance.counters(service).timeouts()).isEqualTo(slow.hits.get());

    // with no retry and only the slow instance, the timeout is the call's failure
    governance.setLocalRules(GovernanceRules.builder().timeout(service, Duration.ofMillis(300)).build());
    registry.naming().deregisterInstance(service, fast.instance());
    NamingService callerNaming = caller.getBean(NamingService.class);
    await().atMost(WAIT).until(() -> callerNaming.selectInstances(service, "DEFAULT_GROUP", true).size() == 1);
    assertThatThrownBy(() -> webClient.get().uri("http://" + service + "/who").retrieve().bodyToMono(String.class)
        .block(WAIT)).isInstanceOf(CallTimeoutException.class);
  }
}
