package io.mse.client.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static final Duration SECOND = Duration.ofSeconds(1);

  @Test
  void doublesFromTheFirstWaitUpToTheLongest() {
    Duration max = Duration.ofSeconds(30);
    assertThat(Backoff.exponential(0, SECOND, max)).isEqualTo(SECOND);
    assertThat(Backoff.exponential(1, SECOND, max)).isEqualTo(SECOND);
    assertThat(Backoff.exponential(2, SECOND, max)).isEqualTo(Duration.ofSeconds(2));
    assertThat(Backoff.exponential(5, SECOND, max)).isEqualTo(Duration.ofSeconds(16));
    assertThat(Backoff.exponential(6, SECOND, max)).isEqualTo(max);
    assertThat(Backoff.exponential(Integer.MAX_VALUE, SECOND, max)).isEqualTo(max);
  }

  @Test
  void givesTheWaitsOfTheEnginesRetries() {
    for (int failures = 1; failures < 100; failures++) {
      // the long polls' back-off (LongPollingConfigWatcher.backoff): 1 s doubling up to 30 s
      assertThat(Backoff.exponential(failures, SECOND, Duration.ofSeconds(30)).toMillis())
          .isEqualTo(Math.min(30_000, 1000L << Math.min(failures - 1, 10)));
      // the instance polls' (ServiceWatcher): 1 s doubling up to 60 s
      assertThat(Backoff.exponential(failures, SECOND, Duration.ofMinutes(1)).toMillis())
          .isEqualTo(Math.min(60_000, 1000L << Math.min(failures - 1, 6)));
    }
  }

  @Test
  void jitterDrawsEachWaitFromTheUpperHalfOfItsNominalWait() {
    java.util.Set<Duration> seen = new java.util.HashSet<>();
    for (int i = 0; i < 200; i++) {
      Duration wait = Backoff.jittered(3, SECOND, Duration.ofSeconds(30)); // nominal 4 s
      assertThat(wait).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
      seen.add(wait);
    }
    assertThat(seen).as("spread, not one fixed wait").hasSizeGreaterThan(100);
    assertThat(Backoff.withJitter(Duration.ZERO)).isZero();
    assertThat(Backoff.withJitter(Duration.ofNanos(1))).isBetween(Duration.ZERO, Duration.ofNanos(1));
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> Backoff.withJitter(Duration.ofMillis(-1))).withMessageContaining("PT-0.001S");
  }
}
