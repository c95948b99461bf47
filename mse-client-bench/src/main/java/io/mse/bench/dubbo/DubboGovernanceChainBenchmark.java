package io.mse.bench.dubbo;

import io.mse.client.MseClient;
import io.mse.client.dubbo.governance.MseClusterFilter;
import io.mse.client.dubbo.governance.MseDubboGovernance;
import io.mse.client.dubbo.governance.MseFilter;
import io.mse.client.dubbo.governance.MseStateRouterFactory;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernanceRules;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.AsyncRpcResult;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.InvokeMode;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.Result;
import org.apache.dubbo.rpc.RpcException;
import org.apache.dubbo.rpc.RpcInvocation;
import org.apache.dubbo.rpc.cluster.router.state.BitList;
import org.apache.dubbo.rpc.cluster.router.state.StateRouter;
import org.apache.dubbo.rpc.model.ApplicationModel;
import org.apache.dubbo.rpc.model.FrameworkModel;
import org.apache.dubbo.rpc.model.ModuleModel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * The CPU cost mse-client's Dubbo extensions add to one call, without the network that hides it in
 * {@link DubboGovernanceOverheadHarness}: a consumer call as Dubbo makes it — a new invocation, the
 * router chain over a reference's 10 invokers (5 {@code lane=a}, 5 {@code lane=b}), a random pick,
 * the per-invoker filter chain, a completed result — with the extensions ({@link #consumerGoverned})
 * and without ({@link #consumerPlain}); and a provider's filter ({@link #providerGoverned}, its rate
 * limit never reached) against none ({@link #providerPlain}). {@code rules}: {@code none} (a governance
 * installed with no rule) or {@code full} (a header route and a 5/95 split by subset, outlier
 * detection, rate limit, circuit breaker, timeout and retry rule on the resource).
 * <pre>
 * java -jar mse-client-bench/target/benchmarks.jar DubboGovernanceChain -t 1 -wi 3 -w 2s -i 5 -r 2s -f 1 -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC"})
public class DubboGovernanceChainBenchmark {

  static final String SERVICE = Echo.class.getName();
  static final String FULL_RULES = """
      {"version": 1,
       "routes": [{"service": "%1$s", "match": {"headers": {"x-user": "vip"}}, "destinations": [{"subset": {"lane": "a"}}]},
                  {"service": "%1$s", "destinations": [{"subset": {"lane": "a"}, "weight": 5},
                                                       {"subset": {"lane": "b"}, "weight": 95}]}],
       "outlierDetection": {"%1$s": {"consecutiveErrors": 5}},
       "rateLimits": [{"resource": "%1$s#echo", "permitsPerSecond": 1000000000}],
       "circuitBreakers": [{"resource": "%1$s#echo"}],
       "timeouts": [{"resource": "%1$s#echo", "timeout": "1s"}],
       "retries": [{"resource": "%1$s#echo", "maxAttempts": 2}]}""".formatted(SERVICE);

  @Param({"none", "full"})
  public String rules;

  private FrameworkModel framework;
  private MseClient client;
  private URL consumerUrl;
  private BitList<Invoker<Echo>> invokers;
  private StateRouter<Echo> router;
  private MseClusterFilter clusterFilter;
  private MseFilter filter;
  private Invoker<Echo> clusterInvoker;
  private Invoker<Echo> provider;

  /** An invoker whose answer is a function: a provider answering at once, or a stand-in for Dubbo's cluster. */
  record Stub(URL url, Function<Invocation, Result> answer) implements Invoker<Echo> {

    /** A provider answering "x" at once. */
    static Stub answering(URL url) {
      return new Stub(url, invocation -> AsyncRpcResult.newDefaultAsyncResult("x", invocation));
    }

    @Override
    public Class<Echo> getInterface() {
      return Echo.class;
    }

    @Override
    public Result invoke(Invocation invocation) throws RpcException {
      return answer.apply(invocation);
    }

    @Override
    public URL getUrl() {
      return url;
    }

    @Override
    public boolean isAvailable() {
      return true;
    }

    @Override
    public void destroy() {}
  }

  @Setup
  public void setUp() throws Exception {
    framework = new FrameworkModel();
    ApplicationModel application = framework.newApplication();
    ModuleModel module = application.newModule();
    consumerUrl = URL.valueOf("consumer://127.0.0.1/" + SERVICE + "?interface=" + SERVICE
        + "&application=shop&side=consumer").setScopeModel(module);
    List<Invoker<Echo>> list = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      list.add(Stub.answering(URL.valueOf("tri://10.0.0." + i + ":20880/" + SERVICE + "?interface=" + SERVICE
          + "&side=consumer&application=shop&remote.application=echo&lane=" + (i % 2 == 0 ? "a" : "b"))
          .setScopeModel(module)));
    }
    invokers = new BitList<>(list);
    router = new MseStateRouterFactory().getRouter(Echo.class, consumerUrl);
    router.notify(invokers);
    clusterFilter = new MseClusterFilter(application);
    filter = new MseFilter(application);
    client = MseClient.builder().serverAddr("memory://bench").snapshotDir(Files.createTempDirectory("bench")).build();
    Governance governance = Governance.builder(client.naming())
        .rules(GovernanceRules.parse("full".equals(rules) ? FULL_RULES : "{\"version\": 1}")).build();
    MseDubboGovernance.install(application, governance);
    clusterInvoker = new Stub(consumerUrl, invocation -> {   // as Dubbo's cluster: route, pick, filter chain
      BitList<Invoker<Echo>> routed = router.route(invokers.clone(), consumerUrl, invocation, false, null);
      return filter.invoke(routed.get(ThreadLocalRandom.current().nextInt(routed.size())), invocation);
    });
    provider = Stub.answering(URL.valueOf("tri://127.0.0.1:20880/" + SERVICE + "?interface=" + SERVICE
        + "&side=provider&application=echo").setScopeModel(module));
  }

  @TearDown
  public void tearDown() {
    router.stop();
    client.close();
    framework.destroy();
  }

  private static RpcInvocation invocation() {
    RpcInvocation invocation = new RpcInvocation(null, "echo", SERVICE, "", new Class<?>[] {String.class},
        new Object[] {"x"});
    invocation.setInvokeMode(InvokeMode.SYNC);
    invocation.setAttachment("remote.application", "shop");
    return invocation;
  }

  /** Without the extensions: a new invocation, the reference's invokers copied, one picked, called. */
  @Benchmark
  public Object consumerPlain() {
    RpcInvocation invocation = invocation();
    BitList<Invoker<Echo>> routed = invokers.clone();
    return routed.get(ThreadLocalRandom.current().nextInt(routed.size())).invoke(invocation).getValue();
  }

  /** With them: cluster filter, router, per-invoker filter around the same. */
  @Benchmark
  public Object consumerGoverned() {
    return clusterFilter.invoke(clusterInvoker, invocation()).getValue();
  }

  @Benchmark
  public Object providerPlain() {
    return provider.invoke(invocation()).getValue();
  }

  @Benchmark
  public Object providerGoverned() {
    return filter.invoke(provider, invocation()).getValue();
  }
}
