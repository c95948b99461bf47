package io.mse.bench;

import io.mse.client.MseClient;
import io.mse.client.naming.Instance;
import java.nio.file.Files;
import java.util.List;
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
 * The cache layer's read paths (issue 3's targets: ≤ 50 ns and 0 B/op): {@code getConfig} on a
 * listened key and {@code selectOneHealthyInstance} by weight at 10, 100 and 1000 instances, plus
 * {@code getAllInstances}. Compare with nacos-client's figures in {@code shared/BASELINES.md}.
 *
 * <p>Run: {@code java -jar mse-client-bench/target/benchmarks.jar CachedRead -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC"})
public class CachedReadBenchmark {

  @Param({"10", "100", "1000"})
  int instances;

  private MseClient client;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    client = MseClient.builder().serverAddr("memory://bench")
        .snapshotDir(Files.createTempDirectory("mse-bench")).build();
    client.config().publishConfig("order-service.properties", "DEFAULT_GROUP", "k=" + "v".repeat(1024));
    client.config().addListener("order-service.properties", "DEFAULT_GROUP", event -> { });
    client.naming().getAllInstances("inventory-service");
    for (int i = 0; i < instances; i++) {
      client.naming().registerInstance("inventory-service", "DEFAULT_GROUP", Instance.builder()
          .ip("10.0." + (i / 250) + "." + (i % 250 + 1)).port(8080).weight(1 + i % 5).build());
    }
    if (client.naming().getAllInstances("inventory-service").size() != instances) {
      throw new IllegalStateException("setup failed");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    client.close();
  }

  /** The client under measure, once set up (for {@link MetricsOverheadBenchmark}). */
  MseClient client() {
    return client;
  }

  @Benchmark
  public String getConfigListened() {
    return client.config().getConfig("order-service.properties", "DEFAULT_GROUP");
  }

  @Benchmark
  public Instance selectOneHealthyInstance() {
    return client.naming().selectOneHealthyInstance("inventory-service", "DEFAULT_GROUP");
  }

  @Benchmark
  public List<Instance> getAllInstances() {
    return client.naming().getAllInstances("inventory-service", "DEFAULT_GROUP");
  }
}
