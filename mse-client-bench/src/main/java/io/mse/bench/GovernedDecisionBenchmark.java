package io.mse.bench;

import io.mse.client.MseClient;
import io.mse.client.governance.Decision;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernedRequest;
import io.mse.client.naming.Instance;
import java.nio.file.Files;
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

/**
 * A governed decision as issue 4 defines it, through a real {@link MseClient} on the in-memory engine
 * ({@code memory://}): a route matching a header and splitting 5% to {@code version=v2} / 95% to
 * {@code version=v1}, weighted-random load balancing over the chosen subset of the service's 10
 * instances (2 v2, 8 v1), a rate-limit permit, a circuit-breaker permit, and recording the success (breaker,
 * outlier detection, counters). No I/O. The rules are a JSON document published into the config
 * center, as in production. Limits are so high that nothing is ever refused (the tear-down fails the
 * run if anything was). {@link #routeAndBalanceOnly} makes the same decision for a service with no
 * rate limit, breaker or outlier rule. Figures and their reading: {@code docs/governance.md}, "Performance".
 *
 * <p>Compare with {@link GuardBaselineBenchmark} in the same JMH run, at 1 and 2 threads:
 * <pre>
 * java -jar mse-client-bench/target/benchmarks.jar 'GovernedDecision|GuardBaseline' -t 1 -wi 3 -w 2s -i 8 -r 2s -f 1 -prof gc
 * java -jar mse-client-bench/target/benchmarks.jar 'GovernedDecision|GuardBaseline' -t 2 -wi 3 -w 2s -i 8 -r 2s -f 1 -prof gc
 * java -jar mse-client-bench/target/benchmarks.jar 'GovernedDecision|GuardBaseline' -t 1 -bm sample   # median
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC"})
public class GovernedDecisionBenchmark {

  static final String SERVICE = "inventory-service";
  /** The same route and instances, but no rate limit, breaker or outlier rule: what those cost. */
  static final String UNGUARDED = "catalog-service";
  static final String RULES = """
      {"version": 1,
       "routes": [{"service": "inventory-service", "match": {"headers": {"x-user-group": "beta"}},
                   "destinations": [{"subset": {"version": "v2"}, "weight": 5},
                                    {"subset": {"version": "v1"}, "weight": 95}]},
                  {"service": "catalog-service", "match": {"headers": {"x-user-group": "beta"}},
                   "destinations": [{"subset": {"version": "v2"}, "weight": 5},
                                    {"subset": {"version": "v1"}, "weight": 95}]}],
       "outlierDetection": {"inventory-service": {"consecutiveErrors": 5, "baseEjectionTime": "30s"}},
       "rateLimits": [{"resource": "inventory-service", "permitsPerSecond": 1000000000}],
       "circuitBreakers": [{"resource": "inventory-service", "failureRateThreshold": 50,
                            "slowCallDurationThreshold": "1s", "minimumNumberOfCalls": 20,
                            "waitDurationInOpenState": "30s"}]}
      """;

  private MseClient client;
  private Governance governance;
  private GovernedRequest request;
  private GovernedRequest unguarded;

  /** The client under measure, once set up (for {@link MetricsOverheadBenchmark}). */
  MseClient client() {
    return client;
  }

  Governance governance() {
    return governance;
  }

  GovernedRequest request() {
    return request;
  }

  /** One reusable decision per benchmark thread, as a caller's thread would keep it. */
  @State(Scope.Thread)
  public static class ThreadDecision {
    Decision decision;

    @Setup(Level.Trial)
    public void setUp(GovernedDecisionBenchmark bench) {
      decision = bench.governance.newDecision();
    }
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    client = MseClient.builder().serverAddr("memory://governed-decision").applicationName("order-service")
        .snapshotDir(Files.createTempDirectory("mse-bench")).build();
    client.config().publishConfig("order-service.governance.json", "MSE_GOVERNANCE", RULES, "json");
    for (String service : new String[] {SERVICE, UNGUARDED}) {
      for (int i = 0; i < 10; i++) {
        client.naming().registerInstance(service, "DEFAULT_GROUP", Instance.builder()
            .ip("10.0.0." + (i + 1)).port(8080).metadata("version", i < 2 ? "v2" : "v1").build());
      }
    }
    governance = client.governance();
    if (governance.rules().routes().size() != 2 || governance.rules().rateLimits().size() != 1
        || governance.rules().circuitBreakers().size() != 1) {
      throw new IllegalStateException("the rule document was not applied: " + governance.rules());
    }
    request = GovernedRequest.builder(SERVICE).method("GET").path("/stock").header("x-user-group", "beta").build();
    unguarded = GovernedRequest.builder(UNGUARDED).method("GET").path("/items").header("x-user-group", "beta").build();
    Decision d = governance.decide(request);
    d.onSuccess();
    governance.decide(unguarded).onSuccess();
    if (governance.counters(SERVICE).successes() != 1) {
      throw new IllegalStateException("setup failed: " + governance.counters(SERVICE));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    long refused = governance.counters(SERVICE).rateLimited() + governance.counters(SERVICE).circuitOpen();
    client.close();
    if (refused != 0) {
      throw new IllegalStateException(refused + " decisions were refused: the benchmark measured rejections");
    }
  }

  /** Route + load balance + rate-limit permit + breaker permit + success, reusing the thread's decision. */
  @Benchmark
  public Instance governedDecision(ThreadDecision state) {
    Decision d = state.decision;
    governance.decide(request, d);
    Instance chosen = d.instance();
    d.onSuccess();
    return chosen;
  }

  /** The same decision without a rate limit, breaker or outlier rule (route + load balance + success). */
  @Benchmark
  public Instance routeAndBalanceOnly(ThreadDecision state) {
    Decision d = state.decision;
    governance.decide(unguarded, d);
    Instance chosen = d.instance();
    d.onSuccess();
    return chosen;
  }
}
