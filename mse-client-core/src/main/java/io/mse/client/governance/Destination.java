package io.mse.client.governance;

import java.util.Map;

/**
 * One destination of a route: the subset of the service's instances whose metadata holds every
 * label of {@code subset}, and the share of matching requests it receives. Immutable and thread-safe.
 *
 * @param subset metadata labels, for example {@code version=v2}; empty means every instance
 * @param weight the share in percent, 0 to 100; the weights of a route add up to 100
 */
public record Destination(Map<String, String> subset, int weight) {

  /**
   * Checks and normalizes the components, as described above.
   *
   * @throws RuleValueException naming the field and its value when a component breaks its rule
   */
  public Destination {
    subset = RuleChecks.map("subset", subset);
    RuleChecks.range("weight", weight, 0, 100);
  }

  /** Returns a destination of one label. */
  public static Destination of(String label, String value, int weight) {
    return new Destination(Map.of(label, value), weight);
  }
}
