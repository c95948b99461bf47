package io.mse.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.spi.NamedThreadFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DispatcherTest {

  @Test
  void aPeriodicTaskThatThrowsAnErrorOnceStillRunsAtTheNextInterval() {
    Dispatcher dispatcher = new Dispatcher(new NamedThreadFactory("dispatcher-test"));
    AtomicInteger runs = new AtomicInteger();
    try {
      dispatcher.every("failover check", Duration.ofMillis(5), () -> {
        if (runs.incrementAndGet() == 1) {
          throw new AssertionError("a broken check");
        }
      });
      await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 3);
    } finally {
      dispatcher.close();
    }
    assertThat(runs.get()).isGreaterThanOrEqualTo(3);
  }
}
