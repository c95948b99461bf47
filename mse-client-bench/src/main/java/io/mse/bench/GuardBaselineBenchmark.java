package io.mse.bench;

import com.alibaba.csp.sentinel.Entry;
import com.alibaba.csp.sentinel.SphU;
import com.alibaba.csp.sentinel.slots.block.BlockException;
import com.alibaba.csp.sentinel.slots.block.RuleConstant;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeRule;
import com.alibaba.csp.sentinel.slots.block.degrade.DegradeRuleManager;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRule;
import com.alibaba.csp.sentinel.slots.block.flow.FlowRuleManager;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.List;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The two anchors of the governed-decision target (issue 4, {@code shared/BASELINES.md}): Sentinel's
 * {@code SphU.entry}/{@code exit} with a QPS flow rule and an error-ratio degrade rule, and
 * Resilience4j's rate limiter plus circuit breaker called directly. Limits are set so high that no
 * call is ever refused: what is measured is the cost of asking.
 *
 * <p>Run with 1 and 2 threads: {@code java -jar benchmarks.jar GuardBaseline -t 1 -prof gc}, then {@code -t 2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC"})
public class GuardBaselineBenchmark {

  static final String RESOURCE = "inventory-service";

  private RateLimiter rateLimiter;
  private CircuitBreaker circuitBreaker;

  @Setup(Level.Trial)
  public void setUp() {
    FlowRule flow = new FlowRule(RESOURCE);
    flow.setGrade(RuleConstant.FLOW_GRADE_QPS);
    flow.setCount(1_000_000_000);
    FlowRuleManager.loadRules(List.of(flow));
    DegradeRule degrade = new DegradeRule(RESOURCE);
    degrade.setGrade(RuleConstant.DEGRADE_GRADE_EXCEPTION_RATIO);
    degrade.setCount(0.5);
    degrade.setTimeWindow(30);
    degrade.setMinRequestAmount(20);
    DegradeRuleManager.loadRules(List.of(degrade));

    rateLimiter = RateLimiter.of(RESOURCE, RateLimiterConfig.custom()
        .limitForPeriod(1_000_000_000).limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(Duration.ZERO).build());
    circuitBreaker = CircuitBreaker.of(RESOURCE, CircuitBreakerConfig.custom()
        .failureRateThreshold(50).slowCallDurationThreshold(Duration.ofSeconds(1)).minimumNumberOfCalls(20)
        .waitDurationInOpenState(Duration.ofSeconds(30)).build());
  }

  @Benchmark
  public boolean sentinelEntryExit() {
    Entry entry;
    try {
      entry = SphU.entry(RESOURCE);
    } catch (BlockException e) {
      return false;
    }
    entry.exit();
    return true;
  }

  @Benchmark
  public boolean resilience4jDirect() {
    if (!rateLimiter.acquirePermission() || !circuitBreaker.tryAcquirePermission()) {
      return false;
    }
    circuitBreaker.onSuccess(0, TimeUnit.NANOSECONDS);
    return true;
  }

  /**
   * As {@link #resilience4jDirect()}, with the call's duration measured as any real use must (the
   * breaker's slow-call rule needs it): one more clock read. With 2 threads this shows what the
   * limiter's and breaker's shared state cost once each thread does some work of its own between
   * permits, which the bare loop above hides.
   */
  @Benchmark
  public boolean resilience4jDirectTimed() {
    long start = System.nanoTime();
    if (!rateLimiter.acquirePermission() || !circuitBreaker.tryAcquirePermission()) {
      return false;
    }
    circuitBreaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    return true;
  }
}
