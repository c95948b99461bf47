package io.mse.client.governance;

import java.time.Duration;

/**
 * A circuit breaker of a resource (a Resilience4j {@code CircuitBreaker}). It opens when, over the
 * sliding window and after at least {@code minimumNumberOfCalls}, the failure rate or the slow-call
 * rate reaches its threshold; while open, calls are rejected with {@link CircuitOpenException};
 * after {@code waitDurationInOpenState} it lets {@code permittedNumberOfCallsInHalfOpenState}
 * probes through (half-open) and closes or opens again by their outcome. Immutable and thread-safe.
 *
 * @param resource the resource, a service name, or {@code *}; non-blank
 * @param failureRateThreshold percent, above 0 and at most 100 (default 50)
 * @param slowCallRateThreshold percent, above 0 and at most 100 (default 100)
 * @param slowCallDurationThreshold a call slower than this is slow; positive, at most 24 h (default 60 s)
 * @param minimumNumberOfCalls calls before rates count; positive (default 100)
 * @param slidingWindowType count or time based; not null (default COUNT_BASED)
 * @param slidingWindowSize calls, or seconds when time based; positive (default 100)
 * @param waitDurationInOpenState positive, at most 24 h (default 60 s)
 * @param permittedNumberOfCallsInHalfOpenState positive (default 10)
 */
public record CircuitBreakerRule(String resource, double failureRateThreshold, double slowCallRateThreshold,
    Duration slowCallDurationThreshold, int minimumNumberOfCalls, SlidingWindowType slidingWindowType,
    int slidingWindowSize, Duration waitDurationInOpenState, int permittedNumberOfCallsInHalfOpenState) {

  /**
   * Checks and normalizes the components, as described above.
   *
   * @throws RuleValueException naming the field and its value when a component breaks its rule
   */
  public CircuitBreakerRule {
    resource = RuleChecks.nonBlank("resource", resource);
    RuleChecks.percent("failureRateThreshold", failureRateThreshold);
    RuleChecks.percent("slowCallRateThreshold", slowCallRateThreshold);
    RuleChecks.positive("slowCallDurationThreshold", slowCallDurationThreshold);
    RuleChecks.positive("minimumNumberOfCalls", minimumNumberOfCalls);
    RuleChecks.required("slidingWindowType", slidingWindowType);
    RuleChecks.positive("slidingWindowSize", slidingWindowSize);
    RuleChecks.positive("waitDurationInOpenState", waitDurationInOpenState);
    RuleChecks.positive("permittedNumberOfCallsInHalfOpenState", permittedNumberOfCallsInHalfOpenState);
  }

  /** Returns a builder for {@code resource} starting from the defaults. */
  public static Builder builder(String resource) {
    return new Builder(resource);
  }

  /** Builds a {@link CircuitBreakerRule}; values are checked by {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private final String resource;
    private double failureRateThreshold = 50;
    private double slowCallRateThreshold = 100;
    private Duration slowCallDurationThreshold = Duration.ofSeconds(60);
    private int minimumNumberOfCalls = 100;
    private SlidingWindowType slidingWindowType = SlidingWindowType.COUNT_BASED;
    private int slidingWindowSize = 100;
    private Duration waitDurationInOpenState = Duration.ofSeconds(60);
    private int permittedNumberOfCallsInHalfOpenState = 10;

    private Builder(String resource) {
      this.resource = resource;
    }

    /** Percent of failures that opens; default 50. */
    public Builder failureRateThreshold(double percent) {
      this.failureRateThreshold = percent;
      return this;
    }

    /** Percent of slow calls that opens; default 100. */
    public Builder slowCallRateThreshold(double percent) {
      this.slowCallRateThreshold = percent;
      return this;
    }

    /** A call slower than this is slow; default 60 s. */
    public Builder slowCallDurationThreshold(Duration threshold) {
      this.slowCallDurationThreshold = threshold;
      return this;
    }

    /** Calls before the rates count; default 100. */
    public Builder minimumNumberOfCalls(int calls) {
      this.minimumNumberOfCalls = calls;
      return this;
    }

    /** Window type and size (calls, or seconds when time based); default COUNT_BASED, 100. */
    public Builder slidingWindow(SlidingWindowType type, int size) {
      this.slidingWindowType = type;
      this.slidingWindowSize = size;
      return this;
    }

    /** Window type; default COUNT_BASED. */
    public Builder slidingWindowType(SlidingWindowType type) {
      this.slidingWindowType = type;
      return this;
    }

    /** Window size: calls, or seconds when time based; default 100. */
    public Builder slidingWindowSize(int size) {
      this.slidingWindowSize = size;
      return this;
    }

    /** How long the circuit stays open before probing; default 60 s. */
    public Builder waitDurationInOpenState(Duration wait) {
      this.waitDurationInOpenState = wait;
      return this;
    }

    /** Probes allowed while half-open; default 10. */
    public Builder permittedNumberOfCallsInHalfOpenState(int calls) {
      this.permittedNumberOfCallsInHalfOpenState = calls;
      return this;
    }

    /**
     * Builds the rule.
     *
     * @throws IllegalArgumentException naming the field and value when one breaks its rule
     */
    public CircuitBreakerRule build() {
      return new CircuitBreakerRule(resource, failureRateThreshold, slowCallRateThreshold, slowCallDurationThreshold,
          minimumNumberOfCalls, slidingWindowType, slidingWindowSize, waitDurationInOpenState,
          permittedNumberOfCallsInHalfOpenState);
    }
  }
}
