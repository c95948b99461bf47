package io.mse.client.nacos.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mse.client.spi.NamedThreadFactory;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ExecutorSchedulerTest {

  @Test
  void logsWhatATaskThrowsAndRunsTheNextOnes() {
    ExecutorScheduler scheduler = new ExecutorScheduler("config", new NamedThreadFactory("mse-sched-test-config"));
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

  @Test
  void servesTheNamingEngineOnTheSameKindOfThread() throws InterruptedException {
    ExecutorScheduler scheduler = new ExecutorScheduler("naming", new NamedThreadFactory("mse-sched-test-naming"));
    CountDownLatch ran = new CountDownLatch(1);
    String[] thread = new String[1];
    try {
      NamingScheduler naming = scheduler;
      naming.schedule(() -> {
        throw new IllegalStateException("a naming bug");
      }, Duration.ZERO);
      NamingScheduler.Cancellable never = naming.schedule(() -> thread[0] = "cancelled task ran", Duration.ofHours(1));
      never.cancel();
      naming.schedule(() -> {
        thread[0] = Thread.currentThread().getName();
        ran.countDown();
      }, Duration.ofMillis(1));
      assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(thread[0]).startsWith("mse-sched-test-naming");
    } finally {
      scheduler.close();
    }
    assertThat(scheduler.schedule(() -> { }, Duration.ZERO)).isSameAs(NamingScheduler.Cancellable.NONE);
  }
}
