package io.mse.client.governance.internal;

import io.mse.client.governance.RetryRule;

/**
 * Caps retries of a resource: over the rule's window, retries may not exceed
 * {@code budgetPercent}% of calls plus {@code minRetries}. Counts are kept by ticker time. Checking
 * and taking are not one atomic step, so concurrent retries can overshoot by a few. Thread-safe.
 */
final class RetryBudget {

  private static final int CALLS = 0;
  private static final int RETRIES = 1;

  final RetryRule rule;
  private final WindowCounter window;

  RetryBudget(RetryRule rule) {
    this.rule = rule;
    this.window = new WindowCounter(rule.budgetWindow().toNanos(), 2);
  }

  /** Returns a budget of {@code rule} keeping this one's counts when the window is the same. */
  RetryBudget withRule(RetryRule newRule) {
    return newRule.budgetWindow().equals(rule.budgetWindow()) ? new RetryBudget(newRule, window)
        : new RetryBudget(newRule);
  }

  private RetryBudget(RetryRule rule, WindowCounter window) {
    this.rule = rule;
    this.window = window;
  }

  /** Records a call (a first attempt). */
  void recordCall(long now) {
    window.add(now, CALLS);
  }

  /** Takes one retry from the budget if there is one left; returns whether it was taken. */
  boolean tryRetry(long now) {
    long calls = window.sum(now, CALLS);
    long retries = window.sum(now, RETRIES);
    if ((retries + 1) * 100 > calls * rule.budgetPercent() + 100L * rule.minRetries()) {
      return false;
    }
    window.add(now, RETRIES);
    return true;
  }
}
