package io.mse.client.governance.internal;

import io.mse.client.naming.Instance;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an instance's warm-up starts, on the ticker's time line. An instance that announces its start
 * ({@link Instance#START_TIME_METADATA_KEY}, epoch milliseconds) ramps from that moment: its age by
 * the wall clock ({@code wall − start}, read once when the instance or its start time is first seen)
 * is subtracted from the ticker reading of that moment, and from then on only the ticker counts, so
 * every caller, whenever it started, ramps the instance alike (up to the skew of their wall clocks).
 * A start time in the future (a provider's clock ahead of ours) counts as now; one that does not parse
 * as a non-negative whole number is ignored. An instance without one ramps from when this client
 * first saw it, unless it was in the first list the client received (then it is warm). Stateless;
 * thread-safe.
 */
final class RampStart {

  private static final Logger LOG = LoggerFactory.getLogger(RampStart.class);
  /** Older than the longest warm-up a rule allows (24 h): warm whatever the rule. */
  private static final long MAX_AGE_MILLIS = TimeUnit.HOURS.toMillis(25);

  private RampStart() {}

  /** Returns the start time the instance announces, in epoch milliseconds; -1 when none that parses. */
  static long announced(Instance instance) {
    String value = instance.metadata().get(Instance.START_TIME_METADATA_KEY);
    if (value == null) {
      return -1;
    }
    try {
      long millis = Long.parseLong(value.strip());
      if (millis >= 0) {
        return millis;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    LOG.debug("Ignoring the start time '{}' of {}: not a number of milliseconds since the epoch", value,
        instance.address());
    return -1;
  }

  /**
   * Returns the ticker time the instance's warm-up starts at, or {@link Endpoint#WARM}.
   *
   * @param startMillis what {@link #announced} returned
   * @param listed whether the client had received an instance list of the service before
   * @param nowNanos the ticker reading of this moment
   * @param wallMillis the wall clock's reading of this moment, epoch milliseconds
   */
  static long of(long startMillis, boolean listed, long nowNanos, long wallMillis) {
    if (startMillis < 0) {
      return listed ? nowNanos : Endpoint.WARM;
    }
    long ageMillis = Math.max(0, wallMillis - startMillis);   // a start in the future: now
    if (ageMillis >= MAX_AGE_MILLIS) {
      return Endpoint.WARM;
    }
    return nowNanos - TimeUnit.MILLISECONDS.toNanos(ageMillis);
  }
}
