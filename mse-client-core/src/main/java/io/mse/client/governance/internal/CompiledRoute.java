package io.mse.client.governance.internal;

import io.mse.client.governance.GovernedRequest;
import io.mse.client.governance.RouteFallback;
import io.mse.client.governance.RouteMatch;
import io.mse.client.governance.RouteRule;
import io.mse.client.governance.StringMatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * A route prepared for matching: header names and values in arrays, the path matcher compiled, and
 * the destinations' pools with cumulative weights, the fallback already applied to empty pools
 * (ALL_INSTANCES: the all-instances pool takes the empty one's place; OTHER_DESTINATIONS: the empty
 * ones are dropped and the weights of the others scaled up; FAIL: the empty pool stays and a pick
 * from it fails). Immutable. Thread-safe.
 */
final class CompiledRoute {

  private final String[] headerNames;
  private final String[] headerValues;
  private final String method;
  private final String caller;
  private final String tag;
  private final String pathExact;
  private final String pathPrefix;
  private final Pattern pathRegex;
  private final Pool[] pools;
  private final int[] cumulative;

  CompiledRoute(RouteRule rule, Pool[] destinationPools, Pool all) {
    RouteMatch m = rule.match();
    headerNames = m.headers().keySet().toArray(new String[0]);
    headerValues = m.headers().values().toArray(new String[0]);
    method = m.method();
    caller = m.caller();
    tag = m.tag();
    StringMatch p = m.path();
    pathExact = p == null ? null : p.exact();
    pathPrefix = p == null ? null : p.prefix();
    pathRegex = p == null || p.regex() == null ? null : Pattern.compile(p.regex());

    int n = destinationPools.length;
    Pool[] chosen = new Pool[n];
    int[] weights = new int[n];
    int kept = 0;
    for (int i = 0; i < n; i++) {
      Pool pool = destinationPools[i];
      int weight = rule.destinations().get(i).weight();
      if (pool.isEmpty() && rule.fallback() == RouteFallback.ALL_INSTANCES) {
        pool = all;
      } else if (pool.isEmpty() && rule.fallback() == RouteFallback.OTHER_DESTINATIONS) {
        continue;
      }
      chosen[kept] = pool;
      weights[kept++] = weight;
    }
    int total = 0;
    for (int i = 0; i < kept; i++) {
      total += weights[i];
    }
    if (kept > 0 && total == 0) {
      java.util.Arrays.fill(weights, 0, kept, 1);
    }
    pools = java.util.Arrays.copyOf(chosen, kept);
    cumulative = new int[kept];
    int sum = 0;
    for (int i = 0; i < kept; i++) {
      sum += weights[i];
      cumulative[i] = sum;
    }
  }

  boolean matches(GovernedRequest request) {
    for (int i = 0; i < headerNames.length; i++) {
      if (!headerValues[i].equals(request.header(headerNames[i]))
          && !request.headerValues(headerNames[i]).contains(headerValues[i])) {   // any value of a repeated header
        return false;
      }
    }
    if (method != null && !method.equals(request.method())) {
      return false;
    }
    if (caller != null && !caller.equals(request.caller())) {
      return false;
    }
    if (tag != null && !tag.equals(request.tag())) {
      return false;
    }
    if (pathExact != null || pathPrefix != null || pathRegex != null) {
      String path = request.path();
      if (path == null) {
        return false;
      }
      if (pathExact != null) {
        return pathExact.equals(path);
      }
      if (pathPrefix != null) {
        return path.startsWith(pathPrefix);
      }
      return pathRegex.matcher(path).matches();
    }
    return true;
  }

  /** Returns the pool chosen by weight; null when the fallback left no destination. */
  Pool choose() {
    int n = cumulative.length;
    if (n == 0) {
      return null;
    }
    if (n == 1) {
      return pools[0];
    }
    int r = ThreadLocalRandom.current().nextInt(cumulative[n - 1]);
    for (int i = 0; i < n; i++) {
      if (r < cumulative[i]) {
        return pools[i];
      }
    }
    return pools[n - 1];
  }
}
