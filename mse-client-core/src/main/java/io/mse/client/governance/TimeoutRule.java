package io.mse.client.governance;

import java.time.Duration;

/**
 * The time limit of one attempt of a call to a resource. Immutable and thread-safe.
 *
 * @param resource the resource, a service name, or {@code *}; non-blank
 * @param timeout positive, at most 24 h
 */
public record TimeoutRule(String resource, Duration timeout) {

  /**
   * Checks and normalizes the components, as described above.
   *
   * @throws RuleValueException naming the field and its value when a component breaks its rule
   */
  public TimeoutRule {
    resource = RuleChecks.nonBlank("resource", resource);
    RuleChecks.positive("timeout", timeout);
  }
}
