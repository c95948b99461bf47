package io.mse.client.dubbo.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.dubbo.rpc.RpcException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A provider protecting itself with its own rate limits, over both of Dubbo's protocols. */
class ProviderGovernanceIT {


  @RegisterExtension
  final DubboApps apps = DubboApps.direct();

  @ParameterizedTest
  @ValueSource(strings = {"tri", "dubbo"})
  void theProviderRefusesCallsOverItsLimitWithLimitExceeded(String protocol) {
    LabelledGreeter impl = new LabelledGreeter("p1");
    DubboApps.App provider = apps.app("provider", protocol).governed().serve(Greeter.class, impl, s -> { }).start()
        .rules("""
            {"version": 1, "rateLimits": [{"resource": "%s", "limitForPeriod": 2, "period": "1h"}]}
            """.formatted(Greeter.HELLO));
    DubboApps.App consumer = apps.app("consumer", protocol).governed();   // a governance without rules
    var reference = consumer.refer(Greeter.class, r -> {
      r.setUrl(provider.url(Greeter.class));
      r.setRetries(0);
    });
    var plain = consumer.refer(Greeter.class, r -> {   // as a consumer without mse-client
      r.setUrl(provider.url(Greeter.class));
      r.setId("plain");
      r.setFilter("-" + MseDubboGovernance.EXTENSION_NAME);
    });
    consumer.start();
    Greeter greeter = reference.get();

    assertThat(greeter.hello("a")).isEqualTo("p1: hello a");
    assertThat(greeter.hello("b")).isEqualTo("p1: hello b");
    assertThatThrownBy(() -> greeter.hello("c")).isInstanceOfSatisfying(RpcException.class, e -> {
      assertThat(e.getCode()).as("code of %s", e).isEqualTo(RpcException.LIMIT_EXCEEDED_EXCEPTION);
      assertThat(e).hasMessageContaining(Greeter.HELLO);
    });
    assertThatThrownBy(() -> plain.get().hello("d")).as("Dubbo alone wraps the provider's answer in code 0")
        .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.getCause()).hasCauseInstanceOf(RpcException.class)
            .satisfies(c -> assertThat(((RpcException) c.getCause()).isLimitExceed()).isTrue()));
    assertThat(impl.calls.get()).as("the refused calls never reached the method").isEqualTo(2);
    assertThat(greeter.tagSeen()).as("another method is not limited").isEqualTo("none");
    assertThat(provider.client.governance().counters(Greeter.HELLO).rateLimited()).isEqualTo(2);
  }

  @Test
  void aLimitKeyedByTheInterfaceCapsAllItsMethodsTogether() {
    String protocol = "tri";
    DubboApps.App provider = apps.app("provider", protocol).governed()
        .serve(Greeter.class, new LabelledGreeter("p1"), s -> { }).start()
        .rules("""
            {"version": 1, "rateLimits": [{"resource": "%s", "limitForPeriod": 3, "period": "1h"}]}
            """.formatted(Greeter.SERVICE));
    DubboApps.App consumer = apps.app("consumer", protocol).governed();
    var reference = consumer.refer(Greeter.class, r -> r.setUrl(provider.url(Greeter.class)));
    consumer.start();
    Greeter greeter = reference.get();

    greeter.hello("a");
    greeter.tagSeen();
    greeter.hello("b");
    assertThatThrownBy(greeter::tagSeen).isInstanceOfSatisfying(RpcException.class,
        e -> assertThat(e.isLimitExceed()).isTrue());
  }
}
