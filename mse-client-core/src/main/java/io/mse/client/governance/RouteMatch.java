package io.mse.client.governance;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The request attributes a route applies to; every condition given must hold, and an empty match
 * matches every request. Immutable and thread-safe.
 *
 * @param headers header name to exact value; names are matched case-insensitively (stored lower
 *     case); a header with several values matches when any of them is the value; null means none
 * @param path how the path is matched; nullable (any path)
 * @param method the HTTP method (or RPC method name), compared case-insensitively; nullable (any)
 * @param caller the calling application's name, exact; nullable (any)
 * @param tag the request's tag ({@link GovernedRequest#tag()}), exact; nullable (any)
 */
public record RouteMatch(Map<String, String> headers, StringMatch path, String method, String caller, String tag) {

  /** A match with no condition: every request. */
  public static final RouteMatch ANY = new RouteMatch(null, null, null, null, null);

  /**
   * Checks and normalizes the components, as described above.
   *
   * @throws RuleValueException naming the field and its value when a component breaks its rule
   */
  public RouteMatch {
    Map<String, String> lower = new LinkedHashMap<>();
    RuleChecks.map("headers", headers).forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
    headers = java.util.Collections.unmodifiableMap(lower);
    method = method == null ? null : RuleChecks.nonBlank("method", method).toUpperCase(Locale.ROOT);
    caller = caller == null ? null : RuleChecks.nonBlank("caller", caller);
    tag = tag == null ? null : RuleChecks.nonBlank("tag", tag);
  }

  /** Returns a match on one header value. */
  public static RouteMatch header(String name, String value) {
    return new RouteMatch(Map.of(name, value), null, null, null, null);
  }

  /** Returns a match on the request tag. */
  public static RouteMatch tag(String tag) {
    return new RouteMatch(null, null, null, null, tag);
  }
}
