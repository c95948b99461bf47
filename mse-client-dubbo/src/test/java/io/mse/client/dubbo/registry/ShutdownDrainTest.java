package io.mse.client.dubbo.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.mse.client.naming.Instance;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.dubbo.rpc.model.ApplicationModel;
import org.apache.dubbo.rpc.model.FrameworkModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ShutdownDrainTest {

  private static final String SERVICE = "providers:org.foo.Demo:1.0.0:";
  private static final String GROUP = "DEFAULT_GROUP";
  private final FrameworkModel framework = new FrameworkModel();
  private final ApplicationModel application = framework.newApplication();
  private final FakeNaming naming = new FakeNaming();
  private final Instance p1 = Instance.of("127.0.0.1", 20880);
  private final Instance p2 = Instance.of("127.0.0.1", 20881);

  @AfterEach
  void destroy() {
    framework.destroy();
  }

  @Test
  void waitsUntilTheServerNoLongerListsTheInstanceAndStopsFollowing() {
    naming.set(SERVICE, GROUP, List.of(p1, p2));
    ShutdownDrain drain = ShutdownDrain.of(application);
    ShutdownDrain.Settings settings = new ShutdownDrain.Settings(Duration.ofSeconds(20), Duration.ZERO);
    drain.watch(naming, SERVICE, GROUP, p1, settings);
    CompletableFuture<Void> removal = CompletableFuture.runAsync(() -> naming.set(SERVICE, GROUP, List.of(p2)),
        CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));

    ShutdownDrain.Report report = drain.await(settings);

    assertThat(removal).as("the drain waited for the removal").isDone();
    assertThat(report.removals()).isEqualTo(1);
    assertThat(report.timedOut()).isFalse();
    assertThat(report.removalSeen()).isNotNull();
    assertThat(naming.listenerCount(SERVICE, GROUP)).isZero();
    assertThat(drain.lastReport()).isEqualTo(report);
  }

  @Test
  void givesUpAtTheDeadlineWhenTheRemovalNeverShows() {
    naming.set(SERVICE, GROUP, List.of(p1, p2));
    ShutdownDrain drain = ShutdownDrain.of(application);
    ShutdownDrain.Settings settings = new ShutdownDrain.Settings(Duration.ofMillis(200), Duration.ZERO);
    drain.watch(naming, SERVICE, GROUP, p1, settings);

    ShutdownDrain.Report report = drain.await(settings);

    assertThat(report.timedOut()).isTrue();
    assertThat(report.removalSeen()).isNull();
    assertThat(naming.listenerCount(SERVICE, GROUP)).isZero();
  }

  @Test
  void nothingWatchedIsNoWait() {
    assertThat(ShutdownDrain.of(application).await(new ShutdownDrain.Settings(Duration.ofSeconds(10), Duration.ofSeconds(1))))
        .isNull();
  }

  @Test
  void theDiscoveryTakesOverTheWaitWhileItHoldsAnInstance() {
    ShutdownDrain drain = ShutdownDrain.of(application);
    assertThat(drain.discoveryHoldsInstance()).isFalse();
    drain.discoveryHoldsInstance(true);
    assertThat(ShutdownDrain.of(application).discoveryHoldsInstance()).as("one drain per application").isTrue();
    assertThat(ShutdownDrain.of(framework.newApplication()).discoveryHoldsInstance()).isFalse();
  }
}
