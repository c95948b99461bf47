package io.mse.bench.dubbo;

import com.sun.management.ThreadMXBean;
import io.mse.client.MseClient;
import io.mse.client.dubbo.governance.MseDubboGovernance;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernanceRules;
import io.mse.client.zookeeper.internal.EmbeddedZooKeeperServers;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.dubbo.common.utils.NetUtils;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.model.FrameworkModel;

/**
 * What mse-client's Dubbo governance adds to a call (issue 9): synchronous triple calls over
 * loopback, one caller thread, providers found through Dubbo's ZooKeeper registry (on the embedded
 * server) so that the router runs on real invoker lists. Four references, measured in alternating
 * rounds so that drift hits each alike:
 * <ol>
 *   <li><b>off</b>: {@code filter=-mse}, {@code router=-mse} (as without mse-client-dubbo);
 *   <li><b>on, no rules</b>: the extensions active, a governance installed with no rule;
 *   <li><b>on, rules</b>: a header route and a 5/95 weighted split by subset, rate limit (never
 *       reached), circuit breaker, timeout, retry rule and outlier detection on the resource;
 *   <li><b>provider governed</b>: as 2, calling a provider whose own governance rate-limits it
 *       (never reached): the provider filter's share is (4) − (2).
 * </ol>
 * Prints, per reference, the median over rounds of the mean time per call, the median of its
 * difference with the {@code off} reference's mean in the same round (paired, so that the machine's
 * load changing between rounds cancels out), and the bytes the calling thread allocated per call. Run: {@code java -cp mse-client-bench/target/benchmarks.jar
 * io.mse.bench.dubbo.DubboGovernanceOverheadHarness} ({@code -Drounds=15 -Dcalls=20000 -Dprotocol=tri|dubbo}).
 */
public final class DubboGovernanceOverheadHarness {

  private DubboGovernanceOverheadHarness() {}

  public static void main(String[] args) throws Exception {
    int rounds = Integer.getInteger("rounds", 15);
    int calls = Integer.getInteger("calls", 20_000);
    onLoopbackOnly();
    List<AutoCloseable> closing = new ArrayList<>();
    try {
      MseClient zk = MseClient.builder().serverAddr("embedded").snapshotDir(Files.createTempDirectory("bench")).build();
      closing.add(zk);
      String registry = "zookeeper://" + EmbeddedZooKeeperServers.find(null).orElseThrow().connectString();
      String service = Echo.class.getName();

      app("echo-a", registry, closing, b -> b.service(service(null, Map.of("lane", "a"))));
      app("echo-b", registry, closing, b -> b.service(service(null, Map.of("lane", "b"))));
      Governance providerGovernance = governance(closing, """
          {"version": 1, "rateLimits": [{"resource": "%s#echo", "permitsPerSecond": 100000000}]}""".formatted(service));
      DubboBootstrap governedProvider = app("echo-governed", registry, closing,
          b -> b.service(service("governed", Map.of())));
      MseDubboGovernance.install(governedProvider.getApplicationModel(), providerGovernance);

      Map<String, ReferenceConfig<Echo>> refs = new LinkedHashMap<>();
      DubboBootstrap plain = app("caller", registry, closing, b -> {
        refs.put("off", reference(null, r -> {
          r.setFilter("-mse");
          r.setRouter("-mse");
        }));
        refs.put("on, no rules", reference(null, r -> { }));
        refs.put("provider governed", reference("governed", r -> { }));
        refs.values().forEach(b::reference);
      });
      MseDubboGovernance.install(plain.getApplicationModel(), governance(closing, "{\"version\": 1}"));
      ReferenceConfig<Echo> ruled = reference(null, r -> { });
      DubboBootstrap ruledApp = app("caller-with-rules", registry, closing, b -> b.reference(ruled));
      MseDubboGovernance.install(ruledApp.getApplicationModel(),
          governance(closing, DubboGovernanceChainBenchmark.FULL_RULES));
      refs.put("on, rules", ruled);

      Map<String, Echo> echoes = new LinkedHashMap<>();
      refs.forEach((name, ref) -> echoes.put(name, ref.get()));
      measure(echoes, rounds, calls);
    } finally {
      for (int i = closing.size() - 1; i >= 0; i--) {
        closing.get(i).close();
      }
    }
  }

  private static void measure(Map<String, Echo> echoes, int rounds, int calls) {
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();
    Map<String, double[]> nanos = new LinkedHashMap<>();
    Map<String, double[]> bytes = new LinkedHashMap<>();
    echoes.keySet().forEach(name -> {
      nanos.put(name, new double[rounds]);
      bytes.put(name, new double[rounds]);
    });
    for (Echo echo : echoes.values()) {   // warm-up: JIT, connections
      for (int i = 0; i < calls; i++) {
        echo.echo("warm");
      }
    }
    for (int round = 0; round < rounds; round++) {
      for (Map.Entry<String, Echo> e : echoes.entrySet()) {
        Echo echo = e.getValue();
        long allocated = threads.getThreadAllocatedBytes(self);
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
          echo.echo("x");
        }
        nanos.get(e.getKey())[round] = (System.nanoTime() - start) / (double) calls;
        bytes.get(e.getKey())[round] = (threads.getThreadAllocatedBytes(self) - allocated) / (double) calls;
      }
    }
    double[] off = nanos.get("off");
    System.out.printf("%-20s %12s %18s %14s%n", "reference", "us/call", "paired vs off, us", "caller B/call");
    for (String name : echoes.keySet()) {
      double[] mine = nanos.get(name);
      double[] diff = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        diff[r] = mine[r] - off[r];   // the same round: the same load on the machine
      }
      System.out.printf("%-20s %12.1f %18.1f %14.0f%n", name, median(mine) / 1000, median(diff) / 1000,
          median(bytes.get(name)));
    }
    System.out.printf("(%d rounds of %d calls per reference, medians; one caller thread, %s over loopback)%n",
        rounds, calls, System.getProperty("protocol", "tri"));
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static Governance governance(List<AutoCloseable> closing, String json) throws Exception {
    MseClient client = MseClient.builder().serverAddr("memory://bench").snapshotDir(Files.createTempDirectory("bench"))
        .build();
    closing.add(client);
    Governance governance = Governance.builder(client.naming()).rules(GovernanceRules.parse(json)).build();
    closing.add(governance);
    return governance;
  }

  /** The provider's implementation: a named class, which Dubbo's bytecode wrapper can reference. */
  static final class Identity implements Echo {
    @Override
    public String echo(String text) {
      return text;
    }
  }

  private static ServiceConfig<Echo> service(String group, Map<String, String> parameters) {
    ServiceConfig<Echo> service = new ServiceConfig<>();
    service.setInterface(Echo.class);
    service.setRef(new Identity());
    service.setGroup(group);
    service.setParameters(new LinkedHashMap<>(parameters));
    return service;
  }

  private static ReferenceConfig<Echo> reference(String group, Consumer<ReferenceConfig<Echo>> customize) {
    ReferenceConfig<Echo> reference = new ReferenceConfig<>();
    reference.setInterface(Echo.class);
    reference.setGroup(group);
    reference.setScope("remote");
    reference.setCheck(false);
    reference.setParameters(new LinkedHashMap<>(Map.of("migration.step", "FORCE_INTERFACE")));
    customize.accept(reference);
    return reference;
  }

  /** Starts an application in a framework of its own (its own servers: as another process would). */
  private static DubboBootstrap app(String name, String registry, List<AutoCloseable> closing,
      Consumer<DubboBootstrap> configure) throws Exception {
    FrameworkModel framework = new FrameworkModel();
    closing.add(framework::destroy);
    ApplicationConfig application = new ApplicationConfig(name);
    application.setQosEnable(false);
    application.setRegisterMode("interface");
    RegistryConfig r = new RegistryConfig(registry);
    r.setUseAsConfigCenter(false);
    r.setUseAsMetadataCenter(false);
    ProtocolConfig protocol = new ProtocolConfig(System.getProperty("protocol", "tri"), freePort());
    DubboBootstrap bootstrap = DubboBootstrap.newInstance(framework).application(application).registry(r)
        .protocol(protocol);
    configure.accept(bootstrap);
    bootstrap.start();
    return bootstrap;
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * Dubbo will not register 127.x and replaces it by the first other address it finds; this harness
   * stays on loopback by giving Dubbo's cache of that address 127.0.0.1.
   */
  private static void onLoopbackOnly() throws Exception {
    System.setProperty("dubbo.service.shutdown.wait", "200");
    for (String field : new String[] {"HOST_ADDRESS", "LOCAL_ADDRESS"}) {
      Field f = NetUtils.class.getDeclaredField(field);
      f.setAccessible(true);
      f.set(null, field.equals("HOST_ADDRESS") ? "127.0.0.1" : InetAddress.getLoopbackAddress());
    }
  }
}
