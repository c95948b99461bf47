package io.mse.client.naming.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mse.client.internal.Dispatcher;
import io.mse.client.internal.SnapshotStore;
import io.mse.client.naming.Instance;
import io.mse.client.naming.ServiceKey;
import io.mse.client.spi.NamedThreadFactory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service cache drops repeats and protected empties before building any state. */
class ServiceCacheTest {

  @TempDir
  Path snapshots;

  private static final ServiceKey KEY = new ServiceKey("", null, "svc");
  private static final Instance A = Instance.of("10.0.0.1", 80);
  private static final Instance B = Instance.of("10.0.0.2", 80);

  @Test
  void aRepeatedListInAnyOrderKeepsTheStateHeldAndAProtectedEmptyIsDropped() {
    try (Dispatcher dispatcher = new Dispatcher(new NamedThreadFactory("test-notify"))) {
      ServiceCache cache = new ServiceCache(dispatcher, new SnapshotStore(snapshots, "test", ""), true);
      ServiceEntry entry = cache.entry(KEY);
      cache.initialize(entry, List.of(B, A), false);
      ServiceState held = entry.state;

      cache.onInstances(KEY, List.of(B, A), false);
      cache.onInstances(KEY, List.of(A, B), true);
      cache.onInstances(KEY, List.of(), false);

      assertThat(entry.state).isSameAs(held);
      cache.onInstances(KEY, List.of(A), false);
      assertThat(entry.state.all()).containsExactly(A);
      cache.onInstances(KEY, List.of(), true);
      assertThat(entry.state.all()).isEmpty();
    }
  }
}
