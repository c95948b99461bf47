package io.mse.client.governance;

/** What a route does when the destination chosen for a request has no selectable instance. */
public enum RouteFallback {
  /** Use every selectable instance of the service (the default): a canary never fails a call. */
  ALL_INSTANCES,
  /** Use the other destinations of the route, in proportion to their weights; if all are empty, fail. */
  OTHER_DESTINATIONS,
  /** Fail the call with {@link io.mse.client.naming.NoInstanceAvailableException}: strict isolation. */
  FAIL
}
