package io.mse.client.dubbo.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.governance.GovernanceCounters;
import io.mse.client.governance.GovernanceListener;
import io.mse.client.governance.TagContext;
import io.mse.client.naming.Instance;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.dubbo.rpc.RpcException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The router and outlier ejection on real Dubbo calls over loopback, providers found through
 * Dubbo's ZooKeeper registry (on the embedded ZooKeeper server), so that each invoker carries the
 * parameters its provider registered.
 */
class RoutingIT {


  @RegisterExtension
  final DubboApps apps = DubboApps.withRegistry();

  /** Calls until every label has answered once: the consumer has discovered those providers. */
  static void awaitProviders(Greeter greeter, String... labels) {
    Set<String> seen = new HashSet<>();
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      seen.add(greeter.hello("x").split(":")[0]);
      return seen.containsAll(Set.of(labels));
    });
  }

  static Map<String, Integer> sample(Greeter greeter, int calls) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < calls; i++) {
      counts.merge(greeter.hello("x").split(":")[0], 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void aCanarySplitsTrafficByWeightBetweenVersions() {
    apps.app("v1", "tri").serve(Greeter.class, new LabelledGreeter("v1"), s -> s.setVersion("1.0.0")).start();
    apps.app("v2", "tri").serve(Greeter.class, new LabelledGreeter("v2"), s -> s.setVersion("2.0.0")).start();
    DubboApps.App consumer = apps.app("consumer", "tri").governed();
    var reference = consumer.refer(Greeter.class, r -> r.setVersion("*"));
    consumer.start();
    Greeter greeter = reference.get();
    awaitProviders(greeter, "v1", "v2");

    consumer.rules("""
        {"version": 1, "routes": [{"service": "%s", "destinations": [
          {"subset": {"version": "2.0.0"}, "weight": 20}, {"subset": {"version": "1.0.0"}, "weight": 80}]}]}
        """.formatted(Greeter.SERVICE));
    Map<String, Integer> counts = sample(greeter, 1_000);
    assertThat(counts.keySet()).containsExactlyInAnyOrder("v1", "v2");
    assertThat(counts.get("v2")).as("20%% of 1000 calls, give or take 5.5 standard deviations").isBetween(130, 270);

    consumer.rules("""
        {"version": 1, "routes": [{"service": "%s", "destinations": [{"subset": {"version": "2.0.0"}, "weight": 100}]}]}
        """.formatted(Greeter.SERVICE));
    assertThat(sample(greeter, 100)).containsOnlyKeys("v2");
  }

  @Test
  void routesByTagAndTheTagAlsoReachesDubbosOwnTagRouter() {
    apps.app("stable", "dubbo").serve(Greeter.class, new LabelledGreeter("stable"),
        s -> s.setParameters(Map.of("lane", "stable"))).start();
    apps.app("gray", "dubbo").serve(Greeter.class, new LabelledGreeter("gray"),
        s -> s.setParameters(Map.of("lane", "gray"))).start();
    apps.app("blue", "dubbo").serve(Greeter.class, new LabelledGreeter("blue"), s -> s.setTag("blue")).start();
    DubboApps.App consumer = apps.app("consumer", "dubbo").governed();
    var reference = consumer.refer(Greeter.class, r -> { });
    consumer.start();
    Greeter greeter = reference.get();
    awaitProviders(greeter, "stable", "gray");
    consumer.rules("""
        {"version": 1, "routes": [
          {"service": "%1$s", "match": {"tag": "gray"}, "destinations": [{"subset": {"lane": "gray"}}]},
          {"service": "%1$s", "destinations": [{"subset": {"lane": "stable"}}]}]}
        """.formatted(Greeter.SERVICE));

    try (TagContext.Scope ignored = TagContext.open("gray")) {
      assertThat(sample(greeter, 30)).as("mse's route by tag").containsOnlyKeys("gray");
    }
    assertThat(sample(greeter, 30)).as("untagged: mse's second route; Dubbo keeps the tagged provider out")
        .containsOnlyKeys("stable");
    try (TagContext.Scope ignored = TagContext.open("blue")) {
      assertThat(sample(greeter, 30)).as("dubbo.tag=blue: Dubbo's tag router, mse's route falling back")
          .containsOnlyKeys("blue");
    }
  }

  @Test
  void failedCallsEjectTheProviderAndTheRouterLeavesItOut() {
    LabelledGreeter bad = new LabelledGreeter("bad");
    bad.failing.set(true);
    LabelledGreeter good = new LabelledGreeter("good");
    DubboApps.App badApp = apps.app("bad", "tri").serve(Greeter.class, bad, s -> { }).start();
    apps.app("good", "tri").serve(Greeter.class, good, s -> { }).start();
    DubboApps.App consumer = apps.app("consumer", "tri").governed();
    List<String> ejections = new CopyOnWriteArrayList<>();
    consumer.client.governance().addListener(new GovernanceListener() {
      @Override
      public void onEjection(String service, Instance instance, Duration time, String reason) {
        ejections.add(service + " " + instance.address() + ": " + reason);
      }
    });
    var reference = consumer.refer(Greeter.class, r -> r.setRetries(0));
    consumer.start().rules("""
        {"version": 1, "outlierDetection": {"%s": {"consecutiveErrors": 3, "baseEjectionTime": "1h",
          "maxEjectionTime": "1h", "maxEjectionPercent": 50}}}
        """.formatted(Greeter.SERVICE));
    Greeter greeter = reference.get();
    await().atMost(Duration.ofSeconds(20)).until(() -> {   // both discovered: the bad one has failed once
      try {
        greeter.hello("x");
      } catch (RpcException e) {
        return true;
      }
      return false;
    });

    for (int i = 0; i < 50 && ejections.isEmpty(); i++) {
      try {
        greeter.hello("x");
      } catch (RpcException e) {
        assertThat(e).hasMessageContaining("bad is failing");
      }
    }
    assertThat(ejections).containsExactly(Greeter.SERVICE + " 127.0.0.1:" + badApp.port + ": 3 consecutive errors");
    assertThat(bad.calls.get()).isEqualTo(3);
    assertThat(sample(greeter, 30)).as("the ejected provider is routed around").containsOnlyKeys("good");
    assertThat(bad.calls.get()).isEqualTo(3);
  }

  @Test
  void aFailedAttemptIsRetriedOnAnotherProvider() {
    LabelledGreeter slow = new LabelledGreeter("slow");
    slow.helloMillis.set(1_000);
    LabelledGreeter fast = new LabelledGreeter("fast");
    apps.app("slow", "dubbo").serve(Greeter.class, slow, s -> { }).start();
    apps.app("fast", "dubbo").serve(Greeter.class, fast, s -> { }).start();
    DubboApps.App consumer = apps.app("consumer", "dubbo").governed();
    var reference = consumer.refer(Greeter.class, r -> { });   // random balancing, Dubbo's retries at 2
    consumer.start().rules("""
        {"version": 1, "timeouts": [{"resource": "%1$s", "timeout": "150ms"}],
         "retries": [{"resource": "%1$s", "maxAttempts": 2, "budgetPercent": 100}]}
        """.formatted(Greeter.HELLO));
    Greeter greeter = reference.get();
    await().atMost(Duration.ofSeconds(20)).until(() -> {   // both discovered: the slow one got an attempt
      assertThat(greeter.hello("x")).isEqualTo("fast: hello x");
      return slow.calls.get() > 0;
    });

    int slowBefore = slow.calls.get();
    long retriesBefore = consumer.client.governance().counters(Greeter.HELLO).retries();
    for (int i = 0; i < 20; i++) {
      assertThat(greeter.hello("x")).isEqualTo("fast: hello x");
    }
    GovernanceCounters counters = consumer.client.governance().counters(Greeter.HELLO);
    int slowAttempts = slow.calls.get() - slowBefore;
    assertThat(slowAttempts).as("random balancing sent first attempts to the slow provider").isPositive();
    assertThat(counters.retries() - retriesBefore).as("each retried once by mse, on the other provider")
        .isEqualTo(slowAttempts);
  }

  @Test
  void anErrorAProviderAnswersIsRetriedOnAnotherProvider() {
    LabelledGreeter bad = new LabelledGreeter("bad");
    bad.failing.set(true);
    LabelledGreeter good = new LabelledGreeter("good");
    apps.app("bad", "tri").serve(Greeter.class, bad, s -> { }).start();
    apps.app("good", "tri").serve(Greeter.class, good, s -> { }).start();
    DubboApps.App consumer = apps.app("consumer", "tri").governed();
    var reference = consumer.refer(Greeter.class, r -> { });
    consumer.start().rules("""
        {"version": 1, "retries": [{"resource": "%s", "maxAttempts": 2, "budgetPercent": 100}]}
        """.formatted(Greeter.HELLO));
    Greeter greeter = reference.get();
    await().atMost(Duration.ofSeconds(20)).until(() -> {   // both discovered: the bad one got an attempt
      assertThat(greeter.hello("x")).isEqualTo("good: hello x");
      return bad.calls.get() > 0;
    });

    for (int i = 0; i < 20; i++) {
      assertThat(greeter.hello("x")).isEqualTo("good: hello x");
    }
    assertThat(consumer.client.governance().counters(Greeter.HELLO).retries()).isEqualTo(bad.calls.get());
  }
}
