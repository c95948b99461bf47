package io.mse.client.spring.loadbalancer;

import io.mse.client.MseClient;
import io.mse.client.governance.CircuitBreakerRule;
import io.mse.client.governance.Destination;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernanceRules;
import io.mse.client.governance.RateLimitRule;
import io.mse.client.governance.RetryRule;
import io.mse.client.governance.RouteMatch;
import io.mse.client.governance.RouteRule;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingService;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.mock.http.client.MockClientHttpRequest;
import org.springframework.mock.http.client.MockClientHttpResponse;
import org.springframework.web.client.RestClient;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A quick side-by-side harness (not a test, not JMH): the cost a governed load-balanced RestClient
 * call adds over the same call through Spring Cloud LoadBalancer's default
 * {@code BlockingLoadBalancerClient} (round robin over its cached instance list fed by mse-client's
 * DiscoveryClient), in one JVM, single thread, on loopback. Three measures:
 * <ol>
 *   <li>{@code choose}: the instance choice alone ({@code LoadBalancerClient.choose});
 *   <li>{@code in-memory}: a whole RestClient call whose transport answers from memory (no socket), so
 *       that the client stack's cost is not hidden by the network's;
 *   <li>{@code loopback}: a real HTTP call to a provider on 127.0.0.1 (JDK HttpClient transport).
 * </ol>
 * Each: warm-up, then rounds alternating the variants; the figure is the median over rounds of each
 * round's mean time per call. Run with {@code main} (see docs/spring.md); prints a table.
 */
public final class LoadBalancedCallOverheadHarness {

  private static final int ROUNDS = 7;

  private LoadBalancedCallOverheadHarness() {}

  public static void main(String[] args) throws Exception {
    int choose = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int inMemory = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
    int loopback = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
    Path dir = Files.createTempDirectory("lb-overhead");
    String service = "bench-stock";
    DisposableServer a = provider("a");
    DisposableServer b = provider("b");
    try (MseClient registry = MseClient.builder().serverAddr("embedded").snapshotDir(dir.resolve("registry")).build();
        ConfigurableApplicationContext springCloud = CallerApp.start("bench-sc", dir.resolve("sc"),
            "mse.loadbalancer.enabled=false");
        ConfigurableApplicationContext governed = CallerApp.start("bench-gov", dir.resolve("gov"));
        ConfigurableApplicationContext ruled = CallerApp.start("bench-rules", dir.resolve("rules"))) {
      registry.naming().registerInstance(service, Instance.builder().ip("127.0.0.1").port(a.port())
          .metadata("version", "v1").build());
      registry.naming().registerInstance(service, Instance.builder().ip("127.0.0.1").port(b.port())
          .metadata("version", "v1").build());
      for (ConfigurableApplicationContext app : List.of(springCloud, governed, ruled)) {
        NamingService naming = app.getBean(NamingService.class);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (naming.selectInstances(service, "DEFAULT_GROUP", true).size() < 2 && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
      }
      ruled.getBean(Governance.class).setLocalRules(GovernanceRules.builder()
          .route(RouteRule.of(service, RouteMatch.header("x-canary", "yes"), Destination.of("version", "v2", 100)))
          .rateLimit(RateLimitRule.perSecond(service, 10_000_000))
          .circuitBreaker(CircuitBreakerRule.builder(service).build())
          .retry(new RetryRule(service, 2, 20, Duration.ofSeconds(10), 3))
          .timeout(service, Duration.ofSeconds(5)).build());
      String url = "http://" + service + "/who";

      Map<String, Supplier<Object>> chooses = new LinkedHashMap<>();
      chooses.put("Spring Cloud BlockingLoadBalancerClient", () -> springCloud.getBean(LoadBalancerClient.class)
          .choose(service));
      chooses.put("mse governed, no rules", () -> governed.getBean(LoadBalancerClient.class).choose(service));
      chooses.put("mse governed, route+limit+breaker+retry+timeout", () -> ruled.getBean(LoadBalancerClient.class)
          .choose(service));
      report("choose (no call)", chooses, choose);

      String plain = "http://127.0.0.1:" + a.port() + "/who";
      report("RestClient call, in-memory transport", calls(ECHO, plain, url, springCloud, governed, ruled), inMemory);
      report("RestClient call, loopback HTTP (JDK HttpClient to Reactor Netty)",
          calls(new JdkClientHttpRequestFactory(), plain, url, springCloud, governed, ruled), loopback);
    } finally {
      a.disposeNow();
      b.disposeNow();
    }
  }

  /** A provider instance on loopback answering its name: Reactor Netty, fast enough not to be the bottleneck. */
  private static DisposableServer provider(String name) {
    return HttpServer.create().host("127.0.0.1").port(0)
        .route(routes -> routes.get("/who", (request, response) -> response.sendString(Mono.just(name))))
        .bindNow();
  }

  /** A transport that answers 200 "ok" without any I/O. */
  private static final ClientHttpRequestFactory ECHO = (URI uri, HttpMethod method) -> {
    MockClientHttpRequest request = new MockClientHttpRequest(method, uri);
    request.setResponse(new MockClientHttpResponse("ok".getBytes(StandardCharsets.UTF_8), HttpStatus.OK));
    return request;
  };

  /** The four RestClient variants over {@code transport}: plain to {@code plainUrl}, then the three applications' to {@code url}. */
  private static Map<String, Supplier<Object>> calls(ClientHttpRequestFactory transport, String plainUrl, String url,
      ConfigurableApplicationContext springCloud, ConfigurableApplicationContext governed,
      ConfigurableApplicationContext ruled) {
    Map<String, Supplier<Object>> variants = new LinkedHashMap<>();
    variants.put("plain RestClient, no load balancing", call(RestClient.builder().requestFactory(transport).build(),
        plainUrl));
    variants.put("Spring Cloud BlockingLoadBalancerClient", call(client(springCloud, transport), url));
    variants.put("mse governed, no rules", call(client(governed, transport), url));
    variants.put("mse governed, route+limit+breaker+retry+timeout", call(client(ruled, transport), url));
    return variants;
  }

  private static RestClient client(ConfigurableApplicationContext app, ClientHttpRequestFactory transport) {
    return app.getBean(RestClient.Builder.class).clone().requestFactory(transport).build();
  }

  private static Supplier<Object> call(RestClient client, String url) {
    return () -> client.get().uri(url).retrieve().body(String.class);
  }

  private static void report(String title, Map<String, Supplier<Object>> variants, int calls) {
    Map<String, List<Double>> means = new LinkedHashMap<>();
    variants.forEach((name, call) -> {
      means.put(name, new ArrayList<>());
      run(call, calls); // warm-up
    });
    Object sink = null;
    for (int round = 0; round < ROUNDS; round++) {
      for (Map.Entry<String, Supplier<Object>> variant : variants.entrySet()) {
        long start = System.nanoTime();
        sink = run(variant.getValue(), calls);
        means.get(variant.getKey()).add((System.nanoTime() - start) / (double) calls);
      }
    }
    System.out.println();
    System.out.println("## " + title + " (" + calls + " calls x " + ROUNDS + " rounds, median of round means; last"
        + " answer " + sink + ")");
    System.out.println("| variant | ns/call | min round | max round |");
    System.out.println("| --- | ---: | ---: | ---: |");
    means.forEach((name, values) -> {
      double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      System.out.printf("| %s | %.0f | %.0f | %.0f |%n", name, sorted[sorted.length / 2], sorted[0],
          sorted[sorted.length - 1]);
    });
  }

  private static Object run(Supplier<Object> call, int calls) {
    Object last = null;
    for (int i = 0; i < calls; i++) {
      last = call.get();
    }
    return last;
  }
}
