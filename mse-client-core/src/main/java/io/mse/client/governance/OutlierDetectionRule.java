package io.mse.client.governance;

import java.time.Duration;

/**
 * When an instance of a service is ejected (left out of load balancing) and for how long.
 *
 * <p>An instance is ejected after {@code consecutiveErrors} failed calls in a row, or when, over the
 * last {@code interval}, at least {@code minimumCalls} calls were made and at least
 * {@code errorRateThreshold} percent failed. It stays out for {@code baseEjectionTime} times the
 * number of times it has been ejected, at most {@code maxEjectionTime}, and is then tried again.
 * Never more than {@code maxEjectionPercent} of the service's selectable instances are ejected at
 * once (rounded down: 50% of 3 instances is 1), nor of the instances of any route subset (a
 * destination's labels) the instance belongs to (50% of a one-instance canary subset is none); a
 * route subset whose instances are all ejected is
 * empty and its route's {@link RouteFallback} applies. Immutable and thread-safe.
 *
 * @param consecutiveErrors failures in a row that eject; 0 turns this trigger off
 * @param errorRateThreshold percent of failed calls in the window that ejects, 0 to 100; 0 turns
 *     this trigger off
 * @param minimumCalls calls needed in the window before the error rate counts; positive
 * @param interval the error-rate window; positive, at most 24 h
 * @param baseEjectionTime the first ejection's length; positive, at most 24 h
 * @param maxEjectionTime the cap on the growing ejection time; at least {@code baseEjectionTime}, at
 *     most 24 h
 * @param maxEjectionPercent the most instances ejected at once, of the service and of each route
 *     subset, percent, 1 to 100
 */
public record OutlierDetectionRule(int consecutiveErrors, int errorRateThreshold, int minimumCalls, Duration interval,
    Duration baseEjectionTime, Duration maxEjectionTime, int maxEjectionPercent) {

  /** Defaults: 5 consecutive errors, no error rate, 10 calls, 10 s window, 30 s base, 300 s max, 50%. */
  public OutlierDetectionRule {
    RuleChecks.atLeast("consecutiveErrors", consecutiveErrors, 0);
    RuleChecks.range("errorRateThreshold", errorRateThreshold, 0, 100);
    if (consecutiveErrors == 0 && errorRateThreshold == 0) {
      throw new RuleValueException("consecutiveErrors", 0, "set consecutiveErrors or errorRateThreshold (or both)");
    }
    RuleChecks.positive("minimumCalls", minimumCalls);
    RuleChecks.positive("interval", interval);
    RuleChecks.positive("baseEjectionTime", baseEjectionTime);
    RuleChecks.positive("maxEjectionTime", maxEjectionTime);
    if (maxEjectionTime.compareTo(baseEjectionTime) < 0) {
      throw new RuleValueException("maxEjectionTime", RuleChecks.format(maxEjectionTime),
          "it must be at least baseEjectionTime");
    }
    RuleChecks.range("maxEjectionPercent", maxEjectionPercent, 1, 100);
  }

  /** Returns a builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds an {@link OutlierDetectionRule}; values are checked by {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private int consecutiveErrors = 5;
    private int errorRateThreshold;
    private int minimumCalls = 10;
    private Duration interval = Duration.ofSeconds(10);
    private Duration baseEjectionTime = Duration.ofSeconds(30);
    private Duration maxEjectionTime = Duration.ofSeconds(300);
    private int maxEjectionPercent = 50;

    private Builder() {}

    /** Failures in a row that eject; 0 turns it off. Default 5. */
    public Builder consecutiveErrors(int consecutiveErrors) {
      this.consecutiveErrors = consecutiveErrors;
      return this;
    }

    /** Percent of failures in the window that ejects; 0 (default) turns it off. */
    public Builder errorRateThreshold(int errorRateThreshold) {
      this.errorRateThreshold = errorRateThreshold;
      return this;
    }

    /** Calls needed in the window for the error rate to count; default 10. */
    public Builder minimumCalls(int minimumCalls) {
      this.minimumCalls = minimumCalls;
      return this;
    }

    /** The error-rate window; default 10 s. */
    public Builder interval(Duration interval) {
      this.interval = interval;
      return this;
    }

    /** The first ejection's length; default 30 s. */
    public Builder baseEjectionTime(Duration baseEjectionTime) {
      this.baseEjectionTime = baseEjectionTime;
      return this;
    }

    /** The cap on ejection time; default 300 s. */
    public Builder maxEjectionTime(Duration maxEjectionTime) {
      this.maxEjectionTime = maxEjectionTime;
      return this;
    }

    /** The most instances ejected at once, percent; default 50. */
    public Builder maxEjectionPercent(int maxEjectionPercent) {
      this.maxEjectionPercent = maxEjectionPercent;
      return this;
    }

    /**
     * Builds the rule.
     *
     * @throws IllegalArgumentException naming the field and value when one breaks its rule
     */
    public OutlierDetectionRule build() {
      return new OutlierDetectionRule(consecutiveErrors, errorRateThreshold, minimumCalls, interval, baseEjectionTime,
          maxEjectionTime, maxEjectionPercent);
    }
  }
}
