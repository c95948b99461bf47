package io.mse.client.governance.internal;

import io.mse.client.Ticker;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A {@link Clock} driven by a {@link Ticker}, for Resilience4j's circuit breakers (open-state wait,
 * time-based windows): its instants advance exactly as the ticker does, from an arbitrary fixed
 * origin. Thread-safe.
 */
final class TickerClock extends Clock {

  private static final long ORIGIN_SECONDS = 1_000_000_000L;

  private final Ticker ticker;
  private final long base;

  TickerClock(Ticker ticker) {
    this.ticker = ticker;
    this.base = ticker.read();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public long millis() {
    return ORIGIN_SECONDS * 1000 + Math.floorDiv(ticker.read() - base, 1_000_000L);
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochSecond(ORIGIN_SECONDS, ticker.read() - base);
  }
}
