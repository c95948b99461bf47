package io.mse.client.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A wall clock tests set and advance by hand (epoch milliseconds), next to a {@link FakeTicker}. Thread-safe. */
public final class FakeWallClock extends Clock {

  private final AtomicLong millis;

  public FakeWallClock(long epochMillis) {
    this.millis = new AtomicLong(epochMillis);
  }

  public void advance(Duration duration) {
    millis.addAndGet(duration.toMillis());
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
