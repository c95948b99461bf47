package io.mse.client.dubbo.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.mse.client.ServerUnavailableException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.dubbo.common.URL;
import org.junit.jupiter.api.Test;

class MseRegistryDrainTest {

  private final URL ok = URL.valueOf("tri://127.0.0.1:50051/org.foo.Ok?side=provider");
  private final URL failing = URL.valueOf("tri://127.0.0.1:50051/org.foo.Failing?side=provider");

  @Test
  void aURLIsMarkedDrainedOnlyOnceItsDeregistrationSucceeded() {
    Set<URL> drained = ConcurrentHashMap.newKeySet();

    MseRegistry.deregisterOther(ok, drained, () -> {});
    MseRegistry.deregisterOther(failing, drained, () -> {
      throw new ServerUnavailableException("providers:org.foo.Failing::", "down");
    });

    assertThat(drained).as("the failed one is left for Dubbo's own unregistration to retry").containsExactly(ok);
  }
}
