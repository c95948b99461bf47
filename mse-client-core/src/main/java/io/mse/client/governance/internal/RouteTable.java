package io.mse.client.governance.internal;

import io.mse.client.governance.GovernedRequest;

/**
 * Everything a decision for one service needs, prepared: its routes in order and the pool of all
 * instances. Rebuilt (never changed) when instances, rules, ejections or warm-ups change, and
 * published through a volatile field. Thread-safe.
 */
final class RouteTable {

  final CompiledRoute[] routes;
  final Pool all;
  /** The next ticker time at which the table must be rebuilt (readmission, warm-up end); MAX when none. */
  final long nextEventNanos;
  /** In a candidate runtime, the selection of a request no destination is left for; null otherwise. */
  final Selection none;

  RouteTable(CompiledRoute[] routes, Pool all, long nextEventNanos, Selection none) {
    this.routes = routes;
    this.all = all;
    this.nextEventNanos = nextEventNanos;
    this.none = none;
  }

  /** Returns the pool of the first matching route, or of all instances; null when a route gives none. */
  Pool select(GovernedRequest request) {
    for (CompiledRoute route : routes) {
      if (route.matches(request)) {
        return route.choose();
      }
    }
    return all;
  }
}
