package io.mse.client.dubbo.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mse.client.ServerUnavailableException;
import io.mse.client.naming.Instance;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.dubbo.common.URL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a subscription tells Dubbo, and when, against a registry in memory. */
class ProviderSubscriptionTest {

  private static final String G = "DEFAULT_GROUP";
  private static final String NAME = "providers:org.foo.DemoService:1.0.0:";
  private static final URL CONSUMER = URL.valueOf("consumer://10.0.0.9/org.foo.DemoService?interface=org.foo.DemoService"
      + "&version=1.0.0&category=providers,configurators,routers&side=consumer");

  private final FakeNaming naming = new FakeNaming();
  private final List<List<URL>> told = new CopyOnWriteArrayList<>();

  private static Instance provider(int port) {
    return ProviderInstances.of(URL.valueOf("tri://10.0.0.1:" + port + "/org.foo.DemoService?interface=org.foo.DemoService"
        + "&version=1.0.0&side=provider&methods=greet"));
  }

  private ProviderSubscription subscription(URL consumer, boolean emptyProtection) {
    return new ProviderSubscription(consumer, naming, G, emptyProtection, Runnable::run, (url, urls) -> told.add(urls));
  }

  @BeforeEach
  void providers() {
    naming.set(NAME, G, List.of(provider(1)));
  }

  private List<Integer> lastPorts() {
    return told.get(told.size() - 1).stream().map(URL::getPort).toList();
  }

  @Test
  void startingTellsTheCurrentProvidersBeforeReturningAndOnlyChangesAfter() {
    ProviderSubscription subscription = subscription(CONSUMER, true);
    subscription.start();
    assertThat(told).hasSize(1);
    assertThat(told.get(0)).singleElement().satisfies(url -> {
      assertThat(url.getProtocol()).isEqualTo("tri");
      assertThat(url.getAddress()).isEqualTo("10.0.0.1:1");
      assertThat(url.getPath()).isEqualTo("org.foo.DemoService");
      assertThat(url.getParameter("version")).isEqualTo("1.0.0");
    });

    naming.set(NAME, G, List.of(provider(1))); // the same list again
    assertThat(told).hasSize(1);
    naming.set(NAME, G, List.of(provider(1), provider(2)));
    assertThat(lastPorts()).containsExactlyInAnyOrder(1, 2);
    assertThat(told).hasSize(2);
  }

  @Test
  void unhealthyDisabledAndNonDubboInstancesAreLeftOut() {
    subscription(CONSUMER, true).start();
    naming.set(NAME, G, List.of(provider(1), provider(2).toBuilder().healthy(false).build(),
        provider(3).toBuilder().enabled(false).build(), Instance.of("10.0.0.4", 4)));
    assertThat(told).hasSize(1); // nothing selectable changed
    naming.set(NAME, G, List.of(provider(5)));
    assertThat(lastPorts()).containsExactly(5);
  }

  @Test
  void withEmptyProtectionAnEmptyListIsNotToldButTheSameProvidersComingBackAre() {
    subscription(CONSUMER, true).start();
    naming.set(NAME, G, List.of());
    assertThat(told).hasSize(1);
    naming.set(NAME, G, List.of(provider(1)));
    // the very list Dubbo still holds: told again, so Dubbo refreshes what it kept
    assertThat(told).hasSize(2);
    assertThat(lastPorts()).containsExactly(1);
  }

  @Test
  void withoutEmptyProtectionAnEmptyListIsToldAsEmptyProtocol() {
    subscription(CONSUMER, false).start();
    naming.set(NAME, G, List.of());
    assertThat(told.get(1)).singleElement().satisfies(url -> {
      assertThat(url.getProtocol()).isEqualTo("empty");
      assertThat(url.getParameter("category")).isEqualTo("providers");
    });
    naming.set(NAME, G, List.of(provider(1)));
    assertThat(lastPorts()).containsExactly(1);
  }

  @Test
  void aFailedReadTellsNothingAndAFailedStartLeavesNothingSubscribed() {
    ProviderSubscription subscription = subscription(CONSUMER, false);
    subscription.start();
    naming.unreachable = true;
    subscription.refresh();
    assertThat(told).hasSize(1);

    ProviderSubscription other = subscription(CONSUMER.addParameter("version", "2.0.0"), true);
    assertThatThrownBy(other::start).isInstanceOf(ServerUnavailableException.class);
    assertThat(naming.listenerCount("providers:org.foo.DemoService:2.0.0:", G)).isZero();
  }

  @Test
  void aPatternFollowsEveryMatchingServiceAndFindsNewOnesOnRescan() {
    naming.set("providers:org.foo.DemoService:1.0.0:blue", G, List.of(provider(11)));
    naming.set("providers:org.foo.DemoService:1.0.0:red", G, List.of(provider(12)));
    URL anyGroup = CONSUMER.addParameter("group", "*");
    ProviderSubscription subscription = subscription(anyGroup, true);
    subscription.start();
    assertThat(subscription.isConcrete()).isFalse();
    assertThat(lastPorts()).containsExactlyInAnyOrder(1, 11, 12);

    naming.set("providers:org.foo.DemoService:1.0.0:green", G, List.of(provider(13)));
    assertThat(lastPorts()).containsExactlyInAnyOrder(1, 11, 12);
    subscription.rescan();
    assertThat(lastPorts()).containsExactlyInAnyOrder(1, 11, 12, 13);
    assertThat(subscription.services()).hasSize(4);

    subscription.stop();
    naming.set("providers:org.foo.DemoService:1.0.0:green", G, List.of(provider(14)));
    assertThat(lastPorts()).containsExactlyInAnyOrder(1, 11, 12, 13);
  }
}
