package io.mse.bench;

import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.config.ConfigFactory;
import com.alibaba.nacos.api.exception.NacosException;
import com.alibaba.nacos.api.naming.NamingFactory;
import io.mse.client.MseClient;
import io.mse.client.naming.Instance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
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
 * The read path side by side on one real Nacos server (issue 11): mse-client and
 * {@code com.alibaba.nacos:nacos-client} 2.5.1, in the same JVM, both subscribed to the same service
 * and listening to the same config, so both serve from what the server pushed to them.
 *
 * <p>Data: one service with {@link #instances} ephemeral instances (weights 1..5, all healthy),
 * registered in one {@code batchRegisterInstance} call by a third, separate nacos-client (so neither
 * client under measure owns them), and one config of 1 KiB published through that client. Both clients
 * under measure subscribe to the service and add a listener to the config; the set-up waits until
 * each sees all the instances and the config's content. The names carry a random suffix, so runs
 * beside other users of the same server do not collide; tear-down removes the config, closes the
 * registering client, which ends its instances, and deletes the trial's temporary folder (both clients'
 * snapshots, and nacos-client's logs, sent there with {@code JM.LOG.PATH} and {@code JM.SNAPSHOT.PATH}).
 *
 * <p>The server: system property {@code mse.bench.nacos.addr} or environment variable
 * {@code MSE_BENCH_NACOS_ADDR} ({@code host:port} of a Nacos 2.x or 3.x without auth); without either
 * the trial fails at once, naming both. Each {@code @Benchmark} pair times one call of the same
 * operation, {@code ours*} on {@link MseClient}, {@code nacos*} on nacos-client. What nacos-client's
 * {@code getConfig} does for a listened key (a server round trip behind a limiter of 5 calls/s per
 * key) is what its users get; the benchmark does not work around it.
 *
 * <p>Run: {@code MSE_BENCH_NACOS_ADDR=127.0.0.1:8848 java -jar benchmarks.jar NacosSideBySideRead -prof gc}
 * ({@code mse-client-bench/run-benchmarks} starts the server itself; see {@code BENCHMARKS.md}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC"})
public class NacosSideBySideReadBenchmark {

  /** System property naming the server; the environment variable {@link #ADDR_ENV} is the fallback. */
  public static final String ADDR_PROPERTY = "mse.bench.nacos.addr";
  /** Environment variable naming the server ({@code host:port}). */
  public static final String ADDR_ENV = "MSE_BENCH_NACOS_ADDR";
  static final String GROUP = "DEFAULT_GROUP";

  @Param({"10", "100", "1000"})
  int instances;

  private String service;
  private String dataId;
  private com.alibaba.nacos.api.naming.NamingService registrar;
  private com.alibaba.nacos.api.config.ConfigService publisher;
  private com.alibaba.nacos.api.naming.NamingService nacosNaming;
  private com.alibaba.nacos.api.config.ConfigService nacosConfig;
  private MseClient ours;
  private Path dir;

  /**
   * The server's {@code host:port}: the system property, else the environment variable.
   *
   * @return the address, never blank
   * @throws IllegalStateException when neither is set
   */
  public static String serverAddr() {
    String addr = System.getProperty(ADDR_PROPERTY);
    if (addr == null || addr.isBlank()) {
      addr = System.getenv(ADDR_ENV);
    }
    if (addr == null || addr.isBlank()) {
      throw new IllegalStateException("no Nacos server to measure against: set -D" + ADDR_PROPERTY
          + "=host:port or the environment variable " + ADDR_ENV);
    }
    return addr.trim();
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    String addr = serverAddr();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    service = "bench-read-" + instances + "-" + suffix;
    dataId = "bench-read-" + suffix + ".properties";
    String content = "k=" + "v".repeat(1022);
    // nacos-client's logs and snapshots go here rather than to ~/logs and ~/nacos; removed at tear-down
    dir = Files.createTempDirectory("mse-bench-read");
    System.setProperty("JM.LOG.PATH", dir.resolve("nacos-logs").toString());
    System.setProperty("JM.SNAPSHOT.PATH", dir.resolve("nacos-snapshots").toString());

    Properties props = new Properties();
    props.setProperty(PropertyKeyConst.SERVER_ADDR, addr);
    registrar = NamingFactory.createNamingService(props);
    publisher = ConfigFactory.createConfigService(props);
    List<com.alibaba.nacos.api.naming.pojo.Instance> batch = new ArrayList<>();
    for (int i = 0; i < instances; i++) {
      com.alibaba.nacos.api.naming.pojo.Instance instance = new com.alibaba.nacos.api.naming.pojo.Instance();
      instance.setIp("10.1." + (i / 250) + "." + (i % 250 + 1));
      instance.setPort(8080);
      instance.setWeight(1 + i % 5);
      instance.setHealthy(true);
      instance.setEphemeral(true);
      batch.add(instance);
    }
    registrar.batchRegisterInstance(service, GROUP, batch);
    if (!publisher.publishConfig(dataId, GROUP, content)) {
      throw new IllegalStateException("the server refused to publish " + dataId);
    }

    nacosNaming = NamingFactory.createNamingService(props);
    nacosConfig = ConfigFactory.createConfigService(props);
    nacosNaming.subscribe(service, GROUP, event -> { });
    nacosConfig.addListener(dataId, GROUP, new com.alibaba.nacos.api.config.listener.AbstractListener() {
      @Override
      public void receiveConfigInfo(String configInfo) {
      }
    });

    ours = MseClient.builder().serverAddr(addr).snapshotDir(dir.resolve("mse-snapshots")).build();
    ours.naming().subscribe(service, GROUP, event -> { });
    ours.config().addListener(dataId, GROUP, event -> { });

    await("mse-client to see " + instances + " instances of " + service,
        () -> ours.naming().getAllInstances(service, GROUP).size() == instances);
    await("nacos-client to see " + instances + " instances of " + service,
        () -> nacosCount() == instances);
    await("mse-client to see " + dataId, () -> content.equals(ours.config().getConfig(dataId, GROUP)));
    await("nacos-client to see " + dataId, () -> {
      try {
        return content.equals(nacosConfig.getConfig(dataId, GROUP, 3000));
      } catch (NacosException e) {
        return false;
      }
    });
  }

  private int nacosCount() {
    try {
      return nacosNaming.getAllInstances(service, GROUP).size();
    } catch (NacosException e) {
      return -1;
    }
  }

  /** Polls every 50 ms for up to 60 s (a set-up step, not a measurement). */
  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after 60 s waiting for " + what);
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    try {
      publisher.removeConfig(dataId, GROUP);
    } finally {
      ours.close();
      nacosNaming.shutDown();
      nacosConfig.shutDown();
      registrar.shutDown();
      publisher.shutDown();
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Benchmark
  public String oursGetConfigListened() {
    return ours.config().getConfig(dataId, GROUP);
  }

  @Benchmark
  public String nacosGetConfigListened() throws NacosException {
    return nacosConfig.getConfig(dataId, GROUP, 3000);
  }

  @Benchmark
  public List<Instance> oursGetAllInstances() {
    return ours.naming().getAllInstances(service, GROUP);
  }

  @Benchmark
  public List<com.alibaba.nacos.api.naming.pojo.Instance> nacosGetAllInstances() throws NacosException {
    return nacosNaming.getAllInstances(service, GROUP);
  }

  @Benchmark
  public List<Instance> oursSelectInstancesHealthy() {
    return ours.naming().selectInstances(service, GROUP, true);
  }

  @Benchmark
  public List<com.alibaba.nacos.api.naming.pojo.Instance> nacosSelectInstancesHealthy() throws NacosException {
    return nacosNaming.selectInstances(service, GROUP, true);
  }

  @Benchmark
  public Instance oursSelectOneHealthyInstance() {
    return ours.naming().selectOneHealthyInstance(service, GROUP);
  }

  @Benchmark
  public com.alibaba.nacos.api.naming.pojo.Instance nacosSelectOneHealthyInstance() throws NacosException {
    return nacosNaming.selectOneHealthyInstance(service, GROUP);
  }
}
