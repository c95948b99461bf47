package io.mse.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mse.client.governance.Decision;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernedRequest;
import io.mse.client.metrics.MseClientMetrics;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A paired measurement of what a bound registry adds to a governed decision, for machines too loaded
 * for {@link MetricsOverheadBenchmark}'s wall-clock times: two clients in one JVM (the decision of
 * {@link GovernedDecisionBenchmark}), one with a {@link SimpleMeterRegistry} bound, measured in
 * alternating rounds by the <em>thread's CPU time</em> (time the thread was descheduled does not
 * count), the order swapped every round. Prints each variant's median and best round and the median
 * of the per-round ratios. With {@code none} or {@code bound}, one variant alone in the JVM (as a JMH
 * fork: the JIT compiles only its branch), for runs alternated by a script.
 *
 * <pre>
 * java -cp mse-client-bench/target/benchmarks.jar io.mse.bench.MetricsOverheadHarness paired [rounds] [decisions per round]
 * java -cp mse-client-bench/target/benchmarks.jar io.mse.bench.MetricsOverheadHarness none|bound [rounds] [per round]
 * </pre>
 */
public final class MetricsOverheadHarness {

  private MetricsOverheadHarness() {}

  public static void main(String[] args) throws Exception {
    String variant = args.length > 0 ? args[0] : "paired";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int perRound = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
    if (!variant.equals("paired")) {
      single(variant.equals("bound"), rounds, perRound);
      return;
    }
    GovernedDecisionBenchmark none = new GovernedDecisionBenchmark();
    GovernedDecisionBenchmark bound = new GovernedDecisionBenchmark();
    none.setUp();
    bound.setUp();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new MseClientMetrics(bound.client()).bindTo(registry);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Decision noneDecision = none.governance().newDecision();
    Decision boundDecision = bound.governance().newDecision();
    for (int i = 0; i < 10; i++) {   // warm-up: both compiled alike
      run(none.governance(), none.request(), noneDecision, perRound);
      run(bound.governance(), bound.request(), boundDecision, perRound);
    }
    List<Double> noneNanos = new ArrayList<>();
    List<Double> boundNanos = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      double n;
      double b;
      if (r % 2 == 0) {
        n = measure(threads, none, noneDecision, perRound);
        b = measure(threads, bound, boundDecision, perRound);
      } else {
        b = measure(threads, bound, boundDecision, perRound);
        n = measure(threads, none, noneDecision, perRound);
      }
      noneNanos.add(n);
      boundNanos.add(b);
      ratios.add(b / n);
    }
    long timed = (long) registry.get("mse.governance.decision.duration").functionTimer().count();
    System.out.printf("governed decision, thread CPU ns/op over %d rounds of %d, one JVM:%n", rounds, perRound);
    System.out.printf("  no registry : median %.1f, best %.1f%n", median(noneNanos), Collections.min(noneNanos));
    System.out.printf("  bound       : median %.1f, best %.1f  (%d decisions timed)%n", median(boundNanos),
        Collections.min(boundNanos), timed);
    System.out.printf("  bound / none: median of per-round ratios %.3f (+%.1f%%)%n", median(ratios),
        (median(ratios) - 1) * 100);
    none.tearDown();
    bound.tearDown();
  }

  /** One variant alone in this JVM (as JMH forks it): prints its median and best round. */
  private static void single(boolean bindRegistry, int rounds, int perRound) throws Exception {
    GovernedDecisionBenchmark bench = new GovernedDecisionBenchmark();
    bench.setUp();
    if (bindRegistry) {
      new MseClientMetrics(bench.client()).bindTo(new SimpleMeterRegistry());
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Decision decision = bench.governance().newDecision();
    for (int i = 0; i < 10; i++) {
      run(bench.governance(), bench.request(), decision, perRound);
    }
    List<Double> nanos = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      nanos.add(measure(threads, bench, decision, perRound));
    }
    System.out.printf("%s median %.1f best %.1f%n", bindRegistry ? "bound" : "none", median(nanos),
        Collections.min(nanos));
    bench.tearDown();
  }

  private static double measure(ThreadMXBean threads, GovernedDecisionBenchmark bench, Decision d, int n) {
    long start = threads.getCurrentThreadCpuTime();
    run(bench.governance(), bench.request(), d, n);
    return (threads.getCurrentThreadCpuTime() - start) / (double) n;
  }

  private static int run(Governance governance, GovernedRequest request, Decision d, int n) {
    int sink = 0;
    for (int i = 0; i < n; i++) {
      governance.decide(request, d);
      sink += d.instance().port();
      d.onSuccess();
    }
    return sink;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
