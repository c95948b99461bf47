package io.mse.client.dubbo.governance;

import static org.assertj.core.api.Assertions.assertThat;

import io.mse.client.governance.Destination;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernanceRules;
import io.mse.client.governance.OutlierDetectionRule;
import io.mse.client.governance.RouteFallback;
import io.mse.client.governance.RouteMatch;
import io.mse.client.governance.RouteRule;
import io.mse.client.governance.TagContext;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.Result;
import org.apache.dubbo.rpc.RpcException;
import org.apache.dubbo.rpc.RpcInvocation;
import org.apache.dubbo.rpc.cluster.router.state.BitList;
import org.apache.dubbo.rpc.model.FrameworkModel;
import org.apache.dubbo.rpc.model.ModuleModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The router's decisions on a fixed invoker list, without a network. */
class MseStateRouterTest {

  static final String SERVICE = Greeter.class.getName();

  FrameworkModel framework;
  ModuleModel module;
  URL consumerUrl;
  MseStateRouter<Greeter> router;
  BitList<Invoker<Greeter>> invokers;

  /** An invoker that is only a provider URL. */
  record FakeInvoker(URL url) implements Invoker<Greeter> {
    @Override
    public Class<Greeter> getInterface() {
      return Greeter.class;
    }

    @Override
    public Result invoke(Invocation invocation) throws RpcException {
      throw new UnsupportedOperationException();
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

  FakeInvoker provider(int port, String version) {
    return new FakeInvoker(URL.valueOf("tri://127.0.0.1:" + port + "/" + SERVICE + "?side=consumer&version=" + version
        + "&interface=" + SERVICE).setScopeModel(module));
  }

  @BeforeEach
  void chain() {
    framework = new FrameworkModel();
    module = framework.newApplication().newModule();
    consumerUrl = URL.valueOf("consumer://127.0.0.1/" + SERVICE + "?interface=" + SERVICE + "&application=shop")
        .setScopeModel(module);
    router = new MseStateRouter<>(consumerUrl);
    invokers = new BitList<>(List.of(provider(1001, "v1"), provider(1002, "v2"), provider(1003, "v1")));
    router.notify(invokers);
  }

  @AfterEach
  void destroy() {
    router.stop();
    framework.destroy();
  }

  Governance install(GovernanceRules rules) {
    Governance governance = Governance.builder(NoRegistry.naming()).rules(rules).build();
    MseDubboGovernance.install(module.getApplicationModel(), governance);
    return governance;
  }

  List<Integer> route(BitList<Invoker<Greeter>> input, Invocation invocation) {
    return router.route(input.clone(), consumerUrl, invocation, false, null).stream()
        .map(i -> i.getUrl().getPort()).collect(Collectors.toList());
  }

  static RpcInvocation call() {
    return new RpcInvocation(null, "hello", SERVICE, "", new Class<?>[] {String.class}, new Object[] {"x"});
  }

  @Test
  void withoutGovernanceEveryInvokerPasses() {
    assertThat(route(invokers, call())).containsExactly(1001, 1002, 1003);
  }

  @Test
  void keepsTheSubsetOfTheRouteAndLeavesItsRouterOnTheInvocation() {
    install(GovernanceRules.builder().route(RouteRule.of(SERVICE, RouteMatch.ANY, Destination.of("version", "v1", 100)))
        .build());
    RpcInvocation invocation = call();
    assertThat(route(invokers, invocation)).containsExactly(1001, 1003);
    assertThat(invocation.get(Invocations.ROUTER)).isNotNull();
    assertThat(invocation.get(Invocations.REQUEST)).as("made when no cluster filter made it").isNotNull();
  }

  @Test
  void routesByTheTagOfTheCallingThread() {
    install(GovernanceRules.builder().route(RouteRule.of(SERVICE, RouteMatch.tag("gray"),
        Destination.of("version", "v2", 100))).build());
    try (TagContext.Scope ignored = TagContext.open("gray")) {
      assertThat(route(invokers, call())).containsExactly(1002);
    }
    assertThat(route(invokers, call())).containsExactly(1001, 1002, 1003);
  }

  @Test
  void whenEarlierRoutersLeftNoneOfTheSubsetAStrictRouteFailsAndOthersFallBack() {
    BitList<Invoker<Greeter>> withoutV2 = invokers.clone();
    withoutV2.remove(1);   // as Dubbo's tag router or an invalid invoker would have
    install(GovernanceRules.builder().route(new RouteRule(SERVICE, RouteMatch.tag("strict"),
            List.of(Destination.of("version", "v2", 100)), RouteFallback.FAIL))
        .route(RouteRule.of(SERVICE, RouteMatch.ANY, Destination.of("version", "v2", 100))).build());

    try (TagContext.Scope ignored = TagContext.open("strict")) {
      assertThat(route(withoutV2, call())).isEmpty();
    }
    assertThat(route(withoutV2, call())).containsExactly(1001, 1003);
  }

  @Test
  void providersThatFailedThisCallAreLeftOutWhileOthersRemain() {
    install(GovernanceRules.EMPTY);
    RpcInvocation invocation = call();
    Invocations.failedOn(invocation, "127.0.0.1:1001");
    assertThat(route(invokers, invocation)).containsExactly(1002, 1003);
    Invocations.failedOn(invocation, "127.0.0.1:1002");
    Invocations.failedOn(invocation, "127.0.0.1:1003");
    assertThat(route(invokers, invocation)).as("all failed: all stay").containsExactly(1001, 1002, 1003);
  }

  @Test
  void ejectedProvidersAreLeftOutAndAGovernanceInstalledLaterIsPickedUp() {
    assertThat(route(invokers, call())).containsExactly(1001, 1002, 1003);
    Governance governance = install(GovernanceRules.builder().outlierDetection(SERVICE, OutlierDetectionRule.builder()
        .consecutiveErrors(2).baseEjectionTime(Duration.ofHours(1)).maxEjectionTime(Duration.ofHours(1)).build())
        .build());
    RpcInvocation invocation = call();
    route(invokers, invocation);
    var candidateRouter = (io.mse.client.governance.CandidateRouter) invocation.get(Invocations.ROUTER);
    var request = (io.mse.client.governance.GovernedRequest) invocation.get(Invocations.REQUEST);
    for (int i = 0; i < 2; i++) {
      candidateRouter.decide(request, "127.0.0.1", 1003).onError(new RpcException(RpcException.NETWORK_EXCEPTION));
    }
    assertThat(route(invokers, call())).containsExactly(1001, 1002);
    assertThat(governance.counters(SERVICE + "#hello").failures()).isEqualTo(2);
  }

  @Test
  void aNewListIsRoutedByItsOwnPositions() {
    install(GovernanceRules.builder().route(RouteRule.of(SERVICE, RouteMatch.ANY, Destination.of("version", "v2", 100)))
        .build());
    assertThat(route(invokers, call())).containsExactly(1002);
    BitList<Invoker<Greeter>> next = new BitList<>(List.of(provider(1004, "v2"), provider(1001, "v1")));
    router.notify(next);
    assertThat(route(next, call())).containsExactly(1004);
    assertThat(route(invokers, call())).as("a list the router was not notified of passes").hasSize(3);
  }
}
