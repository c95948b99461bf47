package io.mse.bench.spring;

import io.mse.client.MseClient;
import io.mse.client.naming.Instance;
import io.mse.client.spring.MseProperties;
import io.mse.client.spring.loadbalancer.MseLoadBalancerInterceptor;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancerInterceptor;
import org.springframework.cloud.client.loadbalancer.LoadBalancerProperties;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.loadbalancer.blocking.client.BlockingLoadBalancerClient;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.mock.http.client.MockClientHttpRequest;
import org.springframework.mock.http.client.MockClientHttpResponse;
import org.springframework.web.client.RestClient;
import reactor.core.publisher.Flux;

/**
 * One Spring {@code RestClient} call to {@code http://inventory-service/stock}, load balanced, with a
 * transport that answers {@code 200 ok} from memory (no socket), so that what is timed is the
 * client-side path: the interceptor's choice of an instance and everything around it, plus
 * RestClient's own request building and body reading, which both variants share.
 *
 * <ul>
 *   <li>{@link #governedRestClient}: mse-client-spring's {@link MseLoadBalancerInterceptor} (what a
 *       {@code @LoadBalanced} RestClient gets with mse-client-spring) over a client on the embedded
 *       engine holding the same rule document as {@code GovernedDecisionBenchmark} (a header route
 *       splitting 5%/95% between {@code version} subsets, weighted random balancing over 10
 *       instances, a rate limit and a circuit breaker so high that nothing is refused, outlier
 *       detection) — the governed decision of issue 4 inside a real HTTP client call;</li>
 *   <li>{@link #plainLoadBalancedRestClient}: Spring Cloud LoadBalancer as a plain application has it:
 *       {@link LoadBalancerInterceptor} over {@link BlockingLoadBalancerClient} and a
 *       {@link RoundRobinLoadBalancer} over the same 10 instances (a fixed list; no routing, rate limit
 *       or breaker).</li>
 * </ul>
 * The tear-down fails the trial if any governed call was refused.
 *
 * <p>Run: {@code java -jar mse-client-bench/spring-bench/target/spring-benchmarks.jar SpringRestClient -prof gc}
 * (built with {@code mvn -P bench-spring -pl mse-client-bench/spring-bench -am package}; see {@code BENCHMARKS.md}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC"})
public class SpringRestClientBenchmark {

  static final String SERVICE = "inventory-service";
  static final String RULES = """
      {"version": 1,
       "routes": [{"service": "inventory-service", "match": {"headers": {"x-user-group": "beta"}},
                   "destinations": [{"subset": {"version": "v2"}, "weight": 5},
                                    {"subset": {"version": "v1"}, "weight": 95}]}],
       "outlierDetection": {"inventory-service": {"consecutiveErrors": 5, "baseEjectionTime": "30s"}},
       "rateLimits": [{"resource": "inventory-service", "permitsPerSecond": 1000000000}],
       "circuitBreakers": [{"resource": "inventory-service", "failureRateThreshold": 50,
                            "slowCallDurationThreshold": "1s", "minimumNumberOfCalls": 20,
                            "waitDurationInOpenState": "30s"}]}
      """;
  private static final byte[] OK = "ok".getBytes(StandardCharsets.UTF_8);

  private Path dir;
  private MseClient client;
  private RestClient governed;
  private RestClient plain;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("mse-spring-bench");
    client = MseClient.builder().serverAddr("embedded").embeddedDataDir(dir.resolve("zk"))
        .snapshotDir(dir.resolve("snapshots")).applicationName("order-service").build();
    client.config().publishConfig("order-service.governance.json", "MSE_GOVERNANCE", RULES, "json");
    List<ServiceInstance> springInstances = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String ip = "10.0.0." + (i + 1);
      String version = i < 2 ? "v2" : "v1";
      client.naming().registerInstance(SERVICE, "DEFAULT_GROUP",
          Instance.builder().ip(ip).port(8080).metadata("version", version).build());
      springInstances.add(new DefaultServiceInstance(SERVICE + "-" + i, SERVICE, ip, 8080, false,
          Map.of("version", version)));
    }
    awaitSetUp();

    ClientHttpRequestFactory fromMemory = (uri, method) -> {
      MockClientHttpRequest request = new MockClientHttpRequest(method, uri);
      request.setResponse(new MockClientHttpResponse(OK, HttpStatus.OK));
      return request;
    };
    governed = RestClient.builder().requestFactory(fromMemory)
        .requestInterceptor(new MseLoadBalancerInterceptor(client.governance(), new MseProperties(), List.of()))
        .build();
    plain = RestClient.builder().requestFactory(fromMemory)
        .requestInterceptor(new LoadBalancerInterceptor(new BlockingLoadBalancerClient(roundRobin(springInstances))))
        .build();
    if (!"ok".equals(governedRestClient()) || !"ok".equals(plainLoadBalancedRestClient())) {
      throw new IllegalStateException("set-up failed: a call did not answer ok");
    }
  }

  /** The rules and all 10 instances in force (the embedded engine applies writes asynchronously). */
  private void awaitSetUp() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (client.governance().rules().routes().isEmpty()
        || client.naming().selectInstances(SERVICE, "DEFAULT_GROUP", true).size() != 10) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("set-up failed: rules " + client.governance().rules() + ", instances "
            + client.naming().getAllInstances(SERVICE, "DEFAULT_GROUP"));
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  /** Spring Cloud LoadBalancer's round robin over a fixed instance list, with default properties. */
  static ReactiveLoadBalancer.Factory<ServiceInstance> roundRobin(List<ServiceInstance> instances) {
    ServiceInstanceListSupplier supplier = new ServiceInstanceListSupplier() {
      @Override
      public String getServiceId() {
        return SERVICE;
      }

      @Override
      public Flux<List<ServiceInstance>> get() {
        return Flux.just(instances);
      }
    };
    StaticListableBeanFactory beans = new StaticListableBeanFactory(Map.of("supplier", supplier));
    RoundRobinLoadBalancer balancer = new RoundRobinLoadBalancer(
        beans.getBeanProvider(ServiceInstanceListSupplier.class), SERVICE);
    LoadBalancerProperties properties = new LoadBalancerProperties();
    return new ReactiveLoadBalancer.Factory<>() {
      @Override
      public ReactiveLoadBalancer<ServiceInstance> getInstance(String serviceId) {
        return balancer;
      }

      @Override
      public <X> Map<String, X> getInstances(String name, Class<X> type) {
        return Map.of();
      }

      @Override
      public <X> X getInstance(String name, Class<?> clazz, Class<?>... generics) {
        return null;
      }

      @Override
      public LoadBalancerProperties getProperties(String serviceId) {
        return properties;
      }
    };
  }

  /** The client under measure, once set up (for the test). */
  MseClient client() {
    return client;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    long refused = client.governance().counters(SERVICE).rateLimited()
        + client.governance().counters(SERVICE).circuitOpen();
    client.close();
    if (refused != 0) {
      throw new IllegalStateException(refused + " governed calls were refused: the benchmark measured rejections");
    }
  }

  @Benchmark
  public String governedRestClient() {
    return governed.get().uri(URI.create("http://inventory-service/stock")).header("x-user-group", "beta")
        .retrieve().body(String.class);
  }

  @Benchmark
  public String plainLoadBalancedRestClient() {
    return plain.get().uri(URI.create("http://inventory-service/stock")).header("x-user-group", "beta")
        .retrieve().body(String.class);
  }
}
