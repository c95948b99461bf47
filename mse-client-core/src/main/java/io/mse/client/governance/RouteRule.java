package io.mse.client.governance;

import java.util.List;

/**
 * A route of a service: requests that match are split over destinations by weight. The routes of a
 * service are tried in order and the first that matches wins; a request no route matches goes to
 * every instance. Immutable and thread-safe.
 *
 * @param service the called service; non-blank
 * @param match the requests it applies to; null means every request
 * @param destinations one or more, weights adding up to 100
 * @param fallback what to do when the chosen destination has no instance; null means
 *     {@link RouteFallback#ALL_INSTANCES}
 */
public record RouteRule(String service, RouteMatch match, List<Destination> destinations, RouteFallback fallback) {

  /**
   * Checks and normalizes the components, as described above.
   *
   * @throws IllegalArgumentException naming the field and value when a rule is broken
   */
  public RouteRule {
    service = RuleChecks.nonBlank("service", service);
    match = match == null ? RouteMatch.ANY : match;
    destinations = RuleChecks.list("destinations", destinations);
    if (destinations.isEmpty()) {
      throw new RuleValueException("destinations", "[]", "a route needs at least one destination");
    }
    int sum = 0;
    for (Destination d : destinations) {
      sum += d.weight();
    }
    if (sum != 100) {
      throw new RuleValueException("destinations", "weights adding up to " + sum, "the weights must add up to 100");
    }
    fallback = fallback == null ? RouteFallback.ALL_INSTANCES : fallback;
  }

  /** Returns a route of {@code service} for matching requests with the default fallback. */
  public static RouteRule of(String service, RouteMatch match, Destination... destinations) {
    return new RouteRule(service, match, List.of(destinations), null);
  }
}
