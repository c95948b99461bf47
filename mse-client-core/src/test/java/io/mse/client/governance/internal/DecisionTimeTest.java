package io.mse.client.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DecisionTimeTest {

  final AtomicLong tickerNanos = new AtomicLong(TimeUnit.SECONDS.toNanos(1000));
  final DecisionTime time = new DecisionTime(tickerNanos::get);

  @Test
  void outsideADecisionTheTickerIsRead() {
    assertThat(time.get()).isEqualTo(tickerNanos.get());
    tickerNanos.addAndGet(5);
    assertThat(time.get()).isEqualTo(tickerNanos.get());
  }

  @Test
  void aLimiterAskedByADecisionSeesTheDecisionsReadingAndOnlyThen() {
    RateLimiter limiter = new AtomicRateLimiter("r", RateLimiterConfig.custom().limitForPeriod(1)
        .limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(Duration.ZERO).build(), time);
    long start = tickerNanos.get();

    assertThat(DecisionTime.acquire(limiter, start)).isTrue();
    assertThat(DecisionTime.acquire(limiter, start)).isFalse();
    // the ticker has not moved, but the decision's reading is one period later: a new permit
    assertThat(DecisionTime.acquire(limiter, start + TimeUnit.SECONDS.toNanos(1))).isTrue();
    // after the hand-over the limiter reads the ticker again
    assertThat(time.get()).isEqualTo(start);
  }

  @Test
  void theHandOverEndsEvenWhenTheLimiterThrows() {
    java.util.concurrent.atomic.AtomicBoolean fail = new java.util.concurrent.atomic.AtomicBoolean();
    RateLimiter broken = new AtomicRateLimiter("r", RateLimiterConfig.custom().limitForPeriod(1)
        .limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(Duration.ZERO).build(), () -> {
          if (fail.get()) {
            throw new IllegalStateException("boom");
          }
          return 0L;
        });
    fail.set(true);
    try {
      DecisionTime.acquire(broken, 42);
    } catch (IllegalStateException expected) {
      // the limiter's own failure
    }
    assertThat(time.get()).isEqualTo(tickerNanos.get());
  }
}
