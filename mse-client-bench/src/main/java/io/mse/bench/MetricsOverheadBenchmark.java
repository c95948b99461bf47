package io.mse.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mse.client.governance.Decision;
import io.mse.client.metrics.MseClientMetrics;
import io.mse.client.naming.Instance;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What binding Micrometer costs: the governed decision of {@link GovernedDecisionBenchmark} and the
 * cached reads of {@link CachedReadBenchmark} (100 instances), with no registry ({@code none}) and with
 * a {@link SimpleMeterRegistry} bound to both clients by {@link MseClientMetrics} ({@code bound}: the
 * governance observed, subset choices counted, 1 decision in 64 timed). The target: a bound decision
 * at most 10% slower, reads unchanged. Figures: {@code docs/metrics.md}, "Cost".
 *
 * <pre>
 * java -jar mse-client-bench/target/benchmarks.jar MetricsOverhead -wi 3 -w 2s -i 8 -r 2s -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC"})
public class MetricsOverheadBenchmark {

  @Param({"none", "bound"})
  String registry;

  private final GovernedDecisionBenchmark decisions = new GovernedDecisionBenchmark();
  private final CachedReadBenchmark reads = new CachedReadBenchmark();
  private SimpleMeterRegistry meters;

  /** One reusable decision per benchmark thread. */
  @State(Scope.Thread)
  public static class ThreadDecision {
    Decision decision;

    @Setup(Level.Trial)
    public void setUp(MetricsOverheadBenchmark bench) {
      decision = bench.decisions.governance().newDecision();
    }
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    decisions.setUp();
    reads.instances = 100;
    reads.setUp();
    if (registry.equals("bound")) {
      meters = new SimpleMeterRegistry();
      new MseClientMetrics(decisions.client()).bindTo(meters);
      new MseClientMetrics(reads.client()).bindTo(meters);
      if (!decisions.governance().stats().observed() || meters.find("mse.governance.decisions").meters().isEmpty()) {
        throw new IllegalStateException("the meters were not bound");
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (meters != null && meters.get("mse.governance.decision.duration").functionTimer().count() == 0) {
      throw new IllegalStateException("no decision was timed while bound: the benchmark measured nothing of it");
    }
    decisions.tearDown();
    reads.tearDown();
  }

  /** Route + balance + rate-limit and breaker permits + success (as GovernedDecisionBenchmark). */
  @Benchmark
  public Instance governedDecision(ThreadDecision state) {
    Decision d = state.decision;
    decisions.governance().decide(decisions.request(), d);
    Instance chosen = d.instance();
    d.onSuccess();
    return chosen;
  }

  @Benchmark
  public String getConfigListened() {
    return reads.getConfigListened();
  }

  @Benchmark
  public Instance selectOneHealthyInstance() {
    return reads.selectOneHealthyInstance();
  }
}
