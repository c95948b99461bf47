package io.mse.client.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mse.client.governance.RateLimitRule;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FixedWindowRateLimiterTest {

  static final long SECOND = 1_000_000_000L;
  static final long ORIGIN = 1000 * SECOND;

  final FixedWindowRateLimiter limiter = new FixedWindowRateLimiter(RateLimitRule.perSecond("r", 2), ORIGIN);

  @Test
  void givesTheLimitInEachPeriodCountedFromCreation() {
    assertThat(limiter.tryAcquire(ORIGIN)).isTrue();
    assertThat(limiter.tryAcquire(ORIGIN + SECOND - 1)).isTrue();
    assertThat(limiter.tryAcquire(ORIGIN + SECOND - 1)).isFalse();

    assertThat(limiter.tryAcquire(ORIGIN + SECOND)).isTrue();
    assertThat(limiter.tryAcquire(ORIGIN + SECOND)).isTrue();
    assertThat(limiter.tryAcquire(ORIGIN + SECOND)).isFalse();
  }

  @Test
  void permitsLeftAtTheEndOfAPeriodAreNotCarriedOver() {
    limiter.tryAcquire(ORIGIN);

    long later = ORIGIN + 10 * SECOND;
    assertThat(limiter.tryAcquire(later)).isTrue();
    assertThat(limiter.tryAcquire(later)).isTrue();
    assertThat(limiter.tryAcquire(later)).isFalse();
  }

  @Test
  void aLimitChangeAppliesFromTheNextPeriod() {
    limiter.tryAcquire(ORIGIN);
    limiter.changeLimitForPeriod(3);
    assertThat(limiter.tryAcquire(ORIGIN)).as("the current period keeps its permits").isTrue();
    assertThat(limiter.tryAcquire(ORIGIN)).isFalse();

    for (int i = 0; i < 3; i++) {
      assertThat(limiter.tryAcquire(ORIGIN + SECOND)).isTrue();
    }
    assertThat(limiter.tryAcquire(ORIGIN + SECOND)).isFalse();
  }

  @Test
  void aReadingOlderThanThePeriodInForceCountsInItAndTakesNoPermitAway() {
    assertThat(limiter.tryAcquire(ORIGIN + SECOND)).isTrue();   // a newer call started period 1...
    assertThat(limiter.tryAcquire(ORIGIN + SECOND - 1)).as("...then a call that read the ticker before it")
        .isTrue();
    assertThat(limiter.tryAcquire(ORIGIN + SECOND)).isFalse();
    assertThat(limiter.tryAcquire(ORIGIN + 2 * SECOND)).isTrue();
  }

  @Test
  void periodsOtherThanASecond() {
    FixedWindowRateLimiter perMinute = new FixedWindowRateLimiter(
        new RateLimitRule("r", 1, Duration.ofMinutes(1)), ORIGIN);
    assertThat(perMinute.tryAcquire(ORIGIN)).isTrue();
    assertThat(perMinute.tryAcquire(ORIGIN + 59 * SECOND)).isFalse();
    assertThat(perMinute.tryAcquire(ORIGIN + 60 * SECOND)).isTrue();
  }
}
