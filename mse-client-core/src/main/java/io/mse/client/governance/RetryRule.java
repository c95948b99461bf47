package io.mse.client.governance;

import java.time.Duration;

/**
 * Retries of a resource, each on another instance when there is one, within a retry budget: over
 * the last {@code budgetWindow}, retries may not exceed {@code budgetPercent} percent of the calls
 * plus {@code minRetries}, so a failing dependency never sees a retry storm. Immutable and
 * thread-safe.
 *
 * @param resource the resource, a service name, or {@code *}; non-blank
 * @param maxAttempts attempts in all, the first included (2 = one retry); at least 1
 * @param budgetPercent retries as a percent of calls in the window, 0 to 100 (default 20)
 * @param budgetWindow the window the budget is measured over, by the client's ticker; positive, at
 *     most 24 h (default 10 s)
 * @param minRetries retries always allowed per window, on top of the percentage, so that low traffic
 *     can still retry; 0 or more (default 3)
 */
public record RetryRule(String resource, int maxAttempts, int budgetPercent, Duration budgetWindow, int minRetries) {

  /**
   * Checks and normalizes the components, as described above.
   *
   * @throws RuleValueException naming the field and its value when a component breaks its rule
   */
  public RetryRule {
    resource = RuleChecks.nonBlank("resource", resource);
    RuleChecks.positive("maxAttempts", maxAttempts);
    RuleChecks.range("budgetPercent", budgetPercent, 0, 100);
    RuleChecks.positive("budgetWindow", budgetWindow);
    RuleChecks.atLeast("minRetries", minRetries, 0);
  }

  /**
   * Returns a rule of {@code maxAttempts} with the default budget (20% over 10 s, 3 minimum).
   *
   * @throws RuleValueException naming the field and value when one breaks its rule
   */
  public static RetryRule of(String resource, int maxAttempts) {
    return builder(resource, maxAttempts).build();
  }

  /** Returns a builder of {@code maxAttempts} for {@code resource} starting from the default budget. */
  public static Builder builder(String resource, int maxAttempts) {
    return new Builder(resource, maxAttempts);
  }

  /** Builds a {@link RetryRule}; values are checked by {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private final String resource;
    private final int maxAttempts;
    private int budgetPercent = 20;
    private Duration budgetWindow = Duration.ofSeconds(10);
    private int minRetries = 3;

    private Builder(String resource, int maxAttempts) {
      this.resource = resource;
      this.maxAttempts = maxAttempts;
    }

    /** Retries as a percent of calls in the window; default 20. */
    public Builder budgetPercent(int percent) {
      this.budgetPercent = percent;
      return this;
    }

    /** The window the budget is measured over; default 10 s. */
    public Builder budgetWindow(Duration window) {
      this.budgetWindow = window;
      return this;
    }

    /** Retries always allowed per window; default 3. */
    public Builder minRetries(int minRetries) {
      this.minRetries = minRetries;
      return this;
    }

    /**
     * Builds the rule.
     *
     * @throws RuleValueException naming the field and value when one breaks its rule
     */
    public RetryRule build() {
      return new RetryRule(resource, maxAttempts, budgetPercent, budgetWindow, minRetries);
    }
  }
}
