package io.mse.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The soak's short version, run by every build: 1000 listened configs and 100 subscribed services, a
 * change every 5 ms for 20 s against the loopback stub in its own JVM. The long version is one command
 * (see {@link SoakHarness} and docs/reliability.md).
 */
class SoakIT {

  @Test
  @Timeout(300)
  void aShortSoakDeliversEveryFinalValueAndGrowsNothing() throws Exception {
    SoakHarness.Report report = SoakHarness.run(new SoakHarness.Settings(1000, 100, 3, 5, 20), System.err);
    System.err.println(report);
    assertThat(report.undelivered()).as("keys and services whose final value did not arrive").isEmpty();
    assertThat(report.changes()).isGreaterThan(100);
    assertThat(report.passed()).as(report.toString()).isTrue();
  }
}
