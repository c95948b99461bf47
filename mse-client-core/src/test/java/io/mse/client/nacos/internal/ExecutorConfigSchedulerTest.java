package io.mse.client.nacos.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mse.client.spi.NamedThreadFactory;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ExecutorConfigSchedulerTest {

  @Test
  void logsWhatATaskThrowsAndRunsTheNextOnes() {
    ExecutorConfigScheduler scheduler = new ExecutorConfigScheduler(new NamedThreadFactory("mse-sched-test-config"));
    CountDownLatch ran = new CountDownLatch(2);
    try {
      String logged = NacosTestSupport.captureStderr(() -> {
        scheduler.execute(() -> {
          throw new AssertionError("an error in a task");
        });
        scheduler.schedule("backoff", () -> {
          throw new IllegalStateException("a bug in a task");
        }, Duration.ZERO);
        scheduler.execute(ran::countDown); // one thread: runs after both, once they were logged
        scheduler.schedule("backoff", ran::countDown, Duration.ofMillis(1));
        try {
          assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      assertThat(logged).contains("an error in a task").contains("a bug in a task");
    } finally {
      scheduler.close();
    }
  }
}
