package io.mse.client.governance;

import java.time.Duration;

/**
 * A rate limit of a resource: at most {@code limitForPeriod} calls start in each {@code period}, the
 * periods counted from the limiter's creation and unused permits not carried over (as Resilience4j's
 * {@code RateLimiter}). It never waits: a call over the limit is rejected at once with
 * {@link RateLimitedException}. Immutable and thread-safe.
 *
 * @param resource the resource, a service name, or {@code *} for every resource without its own
 *     rule (each resource then gets its own limiter); non-blank
 * @param limitForPeriod permits per period; positive
 * @param period the refresh period; positive, at least 1 ms, at most 24 h
 */
public record RateLimitRule(String resource, int limitForPeriod, Duration period) {

  /** The period of {@link #perSecond}, and of a document's {@code limitForPeriod} given without one: 1 s. */
  public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(1);

  /**
   * Checks and normalizes the components, as described above.
   *
   * @throws RuleValueException naming the field and its value when a component breaks its rule
   */
  public RateLimitRule {
    resource = RuleChecks.nonBlank("resource", resource);
    RuleChecks.positive("limitForPeriod", limitForPeriod);
    RuleChecks.positive("period", period);
  }

  /**
   * Returns a limit of {@code permitsPerSecond} per second ({@link #DEFAULT_PERIOD}).
   *
   * @throws RuleValueException when {@code permitsPerSecond} is not positive or {@code resource} is blank
   */
  public static RateLimitRule perSecond(String resource, int permitsPerSecond) {
    return new RateLimitRule(resource, RuleChecks.positive("permitsPerSecond", permitsPerSecond), DEFAULT_PERIOD);
  }
}
