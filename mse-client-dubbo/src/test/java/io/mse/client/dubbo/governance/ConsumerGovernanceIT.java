package io.mse.client.dubbo.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mse.client.governance.CircuitOpenException;
import io.mse.client.governance.CircuitState;
import io.mse.client.governance.GovernanceCounters;
import java.util.concurrent.CompletableFuture;
import org.apache.dubbo.rpc.RpcException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The consumer side on real Dubbo calls over loopback, providers reached by direct URLs. */
class ConsumerGovernanceIT {


  @RegisterExtension
  final DubboApps apps = DubboApps.direct();

  @Test
  void aRateLimitedMethodIsRefusedWithLimitExceededNamingTheResource() {
    LabelledGreeter impl = new LabelledGreeter("p1");
    DubboApps.App provider = apps.app("provider", "tri").serve(Greeter.class, impl, s -> { }).start();
    DubboApps.App consumer = apps.app("consumer", "tri").governed();
    var reference = consumer.refer(Greeter.class, r -> r.setUrl(provider.url(Greeter.class)));
    consumer.start().rules("""
        {"version": 1, "rateLimits": [{"resource": "%s", "limitForPeriod": 3, "period": "1h"}]}
        """.formatted(Greeter.HELLO));
    Greeter greeter = reference.get();

    for (int i = 0; i < 3; i++) {
      assertThat(greeter.hello("x")).isEqualTo("p1: hello x");
    }
    assertThatThrownBy(() -> greeter.hello("x")).isInstanceOfSatisfying(RpcException.class, e -> {
      assertThat(e.getCode()).isEqualTo(RpcException.LIMIT_EXCEEDED_EXCEPTION);
      assertThat(e.isLimitExceed()).isTrue();
      assertThat(e).hasMessageContaining(Greeter.HELLO);
    });
    assertThat(impl.calls.get()).as("the refused call never left the consumer").isEqualTo(3);
    assertThat(greeter.tagSeen()).as("another method, another resource").isEqualTo("none");
    assertThat(consumer.client.governance().counters(Greeter.HELLO).rateLimited()).isEqualTo(1);
  }

  @Test
  void aCircuitBreakerOpensOnFailuresAndRefusesWithoutCallingTheProvider() {
    LabelledGreeter impl = new LabelledGreeter("p1");
    impl.failing.set(true);
    DubboApps.App provider = apps.app("provider", "dubbo").serve(Greeter.class, impl, s -> { }).start();
    DubboApps.App consumer = apps.app("consumer", "dubbo").governed();
    var reference = consumer.refer(Greeter.class, r -> r.setUrl(provider.url(Greeter.class)));
    consumer.start().rules("""
        {"version": 1, "circuitBreakers": [{"resource": "%s", "failureRateThreshold": 50, "minimumNumberOfCalls": 4,
          "slidingWindowSize": 4, "waitDurationInOpenState": "1h"}]}
        """.formatted(Greeter.HELLO));
    Greeter greeter = reference.get();

    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> greeter.hello("x")).isInstanceOf(RpcException.class).hasMessageContaining("p1 is failing");
    }
    assertThat(consumer.client.governance().circuitState(Greeter.HELLO)).isEqualTo(CircuitState.OPEN);
    assertThatThrownBy(() -> greeter.hello("x")).isInstanceOfSatisfying(RpcException.class, e -> {
      assertThat(e.getCode()).isEqualTo(RpcException.FORBIDDEN_EXCEPTION);
      assertThat(e).hasMessageContaining(Greeter.HELLO).hasMessageContaining("OPEN")
          .hasRootCauseInstanceOf(CircuitOpenException.class);
    });
    assertThat(impl.calls.get()).isEqualTo(4);
    assertThat(consumer.client.governance().counters(Greeter.HELLO).circuitOpen()).isEqualTo(1);
  }

  @Test
  void aBusinessExceptionIsASuccessForTheBreakerUnlessTheReferenceSaysOtherwise() {
    LabelledGreeter impl = new LabelledGreeter("p1");
    DubboApps.App provider = apps.app("provider", "tri").serve(Greeter.class, impl, s -> { }).start();
    DubboApps.App consumer = apps.app("consumer", "tri").governed();
    String broken = Greeter.class.getName() + "#broken";
    var lenient = consumer.refer(Greeter.class, r -> {
      r.setUrl(provider.url(Greeter.class));
      r.setId("lenient");
    });
    var strict = consumer.refer(Greeter.class, r -> {
      r.setUrl(provider.url(Greeter.class));
      r.setId("strict");
      r.getParameters().put(MseDubboGovernance.BIZ_FAILURE_KEY, "true");
    });
    consumer.start().rules("""
        {"version": 1, "circuitBreakers": [{"resource": "%s", "failureRateThreshold": 50, "minimumNumberOfCalls": 3,
          "slidingWindowSize": 3, "waitDurationInOpenState": "1h"}]}
        """.formatted(broken));

    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> lenient.get().broken()).isInstanceOf(IllegalStateException.class);
    }
    assertThat(consumer.client.governance().circuitState(broken)).isEqualTo(CircuitState.CLOSED);
    assertThat(consumer.client.governance().counters(broken).failures()).isZero();

    // the window of 3 holds 1 success and 2 failures after two strict calls: 67%, over the threshold
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> strict.get().broken()).isInstanceOf(IllegalStateException.class);
    }
    assertThat(consumer.client.governance().circuitState(broken)).isEqualTo(CircuitState.OPEN);
    assertThatThrownBy(() -> lenient.get().broken()).isInstanceOfSatisfying(RpcException.class,
        e -> assertThat(e.getCode()).isEqualTo(RpcException.FORBIDDEN_EXCEPTION));
  }

  @Test
  void theTimeoutRuleBecomesTheAttemptsDubboTimeout() {
    LabelledGreeter impl = new LabelledGreeter("p1");
    impl.helloMillis.set(600);
    DubboApps.App provider = apps.app("provider", "tri").serve(Greeter.class, impl, s -> { }).start();
    DubboApps.App consumer = apps.app("consumer", "tri").governed();
    var reference = consumer.refer(Greeter.class, r -> {
      r.setUrl(provider.url(Greeter.class));
      r.setTimeout(5_000);
      r.setRetries(0);
    });
    consumer.start().rules("""
        {"version": 1}
        """);
    Greeter greeter = reference.get();
    assertThat(greeter.hello("x")).as("the reference's own 5 s timeout lets it finish").isEqualTo("p1: hello x");

    consumer.rules("""
        {"version": 1, "timeouts": [{"resource": "%s", "timeout": "150ms"}]}
        """.formatted(Greeter.HELLO));
    assertThatThrownBy(() -> greeter.hello("x")).isInstanceOfSatisfying(RpcException.class,
        e -> assertThat(e.isTimeout()).isTrue());
    assertThat(consumer.client.governance().counters(Greeter.HELLO).timeouts()).isEqualTo(1);
  }

  @Test
  void retriesStopWhenTheBudgetIsSpent() {
    LabelledGreeter a = new LabelledGreeter("a");
    LabelledGreeter b = new LabelledGreeter("b");
    a.helloMillis.set(1_000);
    b.helloMillis.set(1_000);
    DubboApps.App p1 = apps.app("a", "tri").serve(Greeter.class, a, s -> { }).start();
    DubboApps.App p2 = apps.app("b", "tri").serve(Greeter.class, b, s -> { }).start();
    DubboApps.App consumer = apps.app("consumer", "tri").governed();
    var reference = consumer.refer(Greeter.class, r -> r.setUrl(p1.url(Greeter.class) + ";" + p2.url(Greeter.class)));
    consumer.start().rules("""
        {"version": 1, "timeouts": [{"resource": "%1$s", "timeout": "100ms"}],
         "retries": [{"resource": "%1$s", "maxAttempts": 3, "budgetPercent": 0, "minRetries": 1, "budgetWindow": "1h"}]}
        """.formatted(Greeter.HELLO));
    Greeter greeter = reference.get();

    assertThatThrownBy(() -> greeter.hello("x")).isInstanceOfSatisfying(RpcException.class, e -> {
      assertThat(e.isTimeout()).isTrue();
      assertThat(e).hasMessageContaining("2 attempts of '" + Greeter.HELLO + "' failed");
    });
    assertThatThrownBy(() -> greeter.hello("x")).isInstanceOfSatisfying(RpcException.class,
        e -> assertThat(e.isTimeout()).isTrue());
    GovernanceCounters counters = consumer.client.governance().counters(Greeter.HELLO);
    assertThat(counters.retries()).isEqualTo(1);
    assertThat(counters.retriesDenied()).isEqualTo(2);
    assertThat(counters.calls()).as("attempts: 2 + 1, none added by Dubbo's failover").isEqualTo(3);
  }


  @Test
  void outcomesOfAsynchronousCallsFeedTheBreakerWhenTheyComplete() {
    LabelledGreeter impl = new LabelledGreeter("p1");
    impl.failing.set(true);
    DubboApps.App provider = apps.app("provider", "tri").serve(Greeter.class, impl, s -> { }).start();
    DubboApps.App consumer = apps.app("consumer", "tri").governed();
    String resource = Greeter.SERVICE + "#helloAsync";
    var reference = consumer.refer(Greeter.class, r -> {
      r.setUrl(provider.url(Greeter.class));
      r.setRetries(0);
    });
    consumer.start().rules("""
        {"version": 1, "circuitBreakers": [{"resource": "%s", "failureRateThreshold": 50, "minimumNumberOfCalls": 3,
          "slidingWindowSize": 3, "waitDurationInOpenState": "1h"}]}
        """.formatted(resource));
    Greeter greeter = reference.get();

    for (int i = 0; i < 3; i++) {
      CompletableFuture<String> reply = greeter.helloAsync("x");
      assertThatThrownBy(reply::join).hasMessageContaining("p1 is failing");
    }
    assertThat(consumer.client.governance().counters(resource).failures()).isEqualTo(3);
    assertThat(consumer.client.governance().circuitState(resource)).isEqualTo(CircuitState.OPEN);
    assertThatThrownBy(() -> greeter.helloAsync("x").join())
        .satisfies(e -> assertThat(rpcCause(e).getCode()).isEqualTo(RpcException.FORBIDDEN_EXCEPTION));
    assertThat(impl.calls.get()).isEqualTo(3);
  }

  /** The first {@link RpcException} of a failure and its causes. */
  static RpcException rpcCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RpcException rpc) {
        return rpc;
      }
    }
    throw new AssertionError("no RpcException in " + e, e);
  }
}
