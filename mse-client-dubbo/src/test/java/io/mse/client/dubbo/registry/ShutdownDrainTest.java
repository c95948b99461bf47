package io.mse.client.dubbo.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.naming.Instance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    drain.watch(naming, () -> true, SERVICE, GROUP, p1, application);
    CompletableFuture<Void> removal = CompletableFuture.runAsync(() -> naming.set(SERVICE, GROUP, List.of(p2)),
        CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));

    ShutdownDrain.Report report = drain.await(settings, application);

    // the drain returned on the removal, seen by its listener inside naming.set, which may not have
    // returned yet (so the removal's own future need not be done at this point)
    assertThat(report.removals()).as("the drain waited for the removal").isEqualTo(1);
    assertThat(report.timedOut()).isFalse();
    assertThat(report.removalSeen()).isNotNull();
    assertThat(naming.listenerCount(SERVICE, GROUP)).isZero();
    assertThat(drain.lastReport()).isEqualTo(report);
    removal.join();
  }

  @Test
  void givesUpAtTheDeadlineWhenTheRemovalNeverShows() {
    naming.set(SERVICE, GROUP, List.of(p1, p2));
    ShutdownDrain drain = ShutdownDrain.of(application);
    ShutdownDrain.Settings settings = new ShutdownDrain.Settings(Duration.ofMillis(200), Duration.ZERO);
    drain.watch(naming, () -> true, SERVICE, GROUP, p1, application);

    ShutdownDrain.Report report = drain.await(settings, application);

    assertThat(report.timedOut()).isTrue();
    assertThat(report.removalSeen()).isNull();
    assertThat(naming.listenerCount(SERVICE, GROUP)).isZero();
  }

  @Test
  void nothingWatchedIsNoWait() {
    assertThat(ShutdownDrain.of(application).await(new ShutdownDrain.Settings(Duration.ofSeconds(10), Duration.ofSeconds(1)), application))
        .isNull();
  }

  @Test
  void theDiscoveryTakesOverTheWaitWhileItHoldsAnInstance() {
    ShutdownDrain drain = ShutdownDrain.of(application);
    assertThat(drain.discoveryHoldsInstance()).isFalse();
    Object discovery = new Object();
    drain.holdInstance(discovery, stopping -> {});
    assertThat(ShutdownDrain.of(application).discoveryHoldsInstance()).as("one drain per application").isTrue();
    assertThat(ShutdownDrain.of(framework.newApplication()).discoveryHoldsInstance()).isFalse();
    drain.releaseInstance(discovery);
    assertThat(drain.discoveryHoldsInstance()).isFalse();
  }

  @Test
  void atTheLastModulesStopTheDiscoveryDeregistersItsInstanceIntoTheSameWait() {
    naming.set(SERVICE, GROUP, List.of(p1, p2));
    naming.set("app", GROUP, List.of(p1, p2));
    ShutdownDrain drain = ShutdownDrain.of(application);
    ShutdownDrain.Settings settings = new ShutdownDrain.Settings(Duration.ofSeconds(20), Duration.ZERO);
    drain.holdInstance(this, stopping -> drain.watch(naming, () -> true, "app", GROUP, p1, stopping));
    drain.watch(naming, () -> true, SERVICE, GROUP, p1, application);
    drain.deregisterApplicationInstances(application);
    CompletableFuture.runAsync(() -> {
      naming.set(SERVICE, GROUP, List.of(p2));
      naming.set("app", GROUP, List.of(p2));
    }, CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));

    ShutdownDrain.Report report = drain.await(settings, application);

    assertThat(report.removals()).as("both levels in one wait").isEqualTo(2);
    assertThat(report.timedOut()).isFalse();
    assertThat(drain.discoveryHoldsInstance()).as("the instance is no longer held").isFalse();
  }

  @Test
  void removalsWatchedEarlierDoNotStartTheDeadline() {
    naming.set(SERVICE, GROUP, List.of(p1, p2));
    ShutdownDrain drain = ShutdownDrain.of(application);
    ShutdownDrain.Settings settings = new ShutdownDrain.Settings(Duration.ofMillis(300), Duration.ZERO);
    drain.watch(naming, () -> true, SERVICE, GROUP, p1, application); // left to a later wait
    await().pollDelay(Duration.ofMillis(500)).until(() -> true); // longer than the whole budget
    drain.watch(naming, () -> true, SERVICE, GROUP, p2, application);
    CompletableFuture.runAsync(() -> naming.set(SERVICE, GROUP, List.of()),
        CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));

    ShutdownDrain.Report report = drain.await(settings, application);

    assertThat(report.removals()).isEqualTo(2);
    assertThat(report.timedOut()).as("the deadline starts when the wait takes the removals").isFalse();
    assertThat(report.removalSeen()).isNotNull();
  }

  @Test
  void laterWaitsOfOneShutdownShareItsDeadline() {
    naming.set(SERVICE, GROUP, List.of(p1, p2));
    ShutdownDrain drain = ShutdownDrain.of(application);
    ShutdownDrain.Settings settings = new ShutdownDrain.Settings(Duration.ofMillis(200), Duration.ZERO);
    drain.watch(naming, () -> true, SERVICE, GROUP, p1, application);
    assertThat(drain.await(settings, application).timedOut()).isTrue();

    // a second mse:// registry of the same stopping application, after the deadline
    drain.watch(naming, () -> true, SERVICE, GROUP, p2, application);
    CompletableFuture.runAsync(() -> naming.set(SERVICE, GROUP, List.of()),
        CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));

    assertThat(drain.await(settings, application)).as("no new deadline, nothing followed, no wait").isNull();
    assertThat(naming.subscribeCalls()).as("no first read after the deadline").isEqualTo(1);
  }

  @Test
  void anUnreachableServerIsNotReadToFollowARemoval() {
    naming.set(SERVICE, GROUP, List.of(p1, p2));
    ShutdownDrain drain = ShutdownDrain.of(application);

    drain.watch(naming, () -> false, SERVICE, GROUP, p1, application);

    assertThat(naming.subscribeCalls()).isZero();
    assertThat(drain.await(new ShutdownDrain.Settings(Duration.ofSeconds(10), Duration.ZERO), application)).isNull();
  }

  @Test
  void aPushMarginCutByTheDeadlineIsNoTimeOut() {
    naming.set(SERVICE, GROUP, List.of(p2));
    ShutdownDrain drain = ShutdownDrain.of(application);
    ShutdownDrain.Settings settings = new ShutdownDrain.Settings(Duration.ofMillis(200), Duration.ofSeconds(1));
    drain.watch(naming, () -> true, SERVICE, GROUP, p1, application);

    ShutdownDrain.Report report = drain.await(settings, application);

    assertThat(report.removalSeen()).isNotNull();
    assertThat(report.timedOut()).isFalse();
    assertThat(report.budget()).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void dubbosShutdownWaitOfZeroMeansNoDrain() {
    ShutdownDrain.Settings settings = new ShutdownDrain.Settings(Duration.ofSeconds(10), Duration.ofSeconds(1));
    assertThat(ShutdownDrain.of(application).enabled(settings)).isTrue();
    application.modelEnvironment().updateAppConfigMap(Map.of("dubbo.service.shutdown.wait", "0"));

    assertThat(ShutdownDrain.of(application).enabled(settings)).isFalse();
    assertThat(ShutdownDrain.of(application).enabled(new ShutdownDrain.Settings(Duration.ZERO, Duration.ZERO)))
        .isFalse();
  }
}
