package io.mse.client.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.mse.client.Ticker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DecisionTimeTest {

  final AtomicLong nanos = new AtomicLong(TimeUnit.SECONDS.toNanos(1000));
  final AtomicInteger reads = new AtomicInteger();
  /** Moves 1 µs on every read, so that each reading is distinct. */
  final Ticker ticker = () -> {
    reads.incrementAndGet();
    return nanos.addAndGet(1_000);
  };
  final DecisionTime time = new DecisionTime(ticker);
  final DecisionImpl decision = new DecisionImpl(null, ticker);

  RateLimiter limiter(int perSecond, java.util.function.Supplier<Long> source) {
    return new AtomicRateLimiter("r", RateLimiterConfig.custom().limitForPeriod(perSecond)
        .limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(Duration.ZERO).build(), source);
  }

  @Test
  void theLimiterReadsTheTickerItselfAndTheDecisionStartsAtItsLastReading() {
    RateLimiter limiter = limiter(1, time);
    reads.set(0);

    assertThat(DecisionTime.acquire(limiter, ticker, decision)).isTrue();
    assertThat(reads.get()).as("one reading, the limiter's").isEqualTo(1);
    assertThat(decision.startNanos).isEqualTo(nanos.get());

    assertThat(DecisionTime.acquire(limiter, ticker, decision)).isFalse();
    assertThat(decision.startNanos).as("the last of the limiter's readings").isEqualTo(nanos.get());
  }

  @Test
  void outsideADecisionReadingsAreNotPassedOn() {
    long before = decision.startNanos;
    assertThat(time.get()).isEqualTo(nanos.get());
    RateLimiter ownClock = limiter(1, ticker::read);
    reads.set(0);

    assertThat(DecisionTime.acquire(ownClock, ticker, decision)).isTrue();
    assertThat(reads.get()).as("the limiter's own reading, then the decision's").isEqualTo(2);
    assertThat(decision.startNanos).isEqualTo(nanos.get()).isNotEqualTo(before);
  }

  @Test
  void theWatchEndsEvenWhenTheLimiterThrows() {
    AtomicBoolean fail = new AtomicBoolean();
    RateLimiter broken = limiter(1, () -> {
      if (fail.get()) {
        throw new IllegalStateException("boom");
      }
      return 0L;
    });
    fail.set(true);
    assertThatThrownBy(() -> DecisionTime.acquire(broken, ticker, decision)).hasMessage("boom");

    long start = decision.startNanos;
    time.get();
    assertThat(decision.startNanos).isEqualTo(start);
    RateLimiter ownClock = limiter(1, ticker::read);
    DecisionTime.acquire(ownClock, ticker, decision);
    assertThat(decision.startNanos).as("not a reading left over from the failed watch").isEqualTo(nanos.get());
  }
}
