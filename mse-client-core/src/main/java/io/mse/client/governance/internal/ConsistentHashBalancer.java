package io.mse.client.governance.internal;

import io.mse.client.governance.GovernedRequest;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Consistent hashing on a ring of {@value #VIRTUAL_NODES} points per endpoint (placed by the hash of
 * its address, so an endpoint keeps its points when others come and go: only the keys of a removed
 * endpoint move). The key is the request's hash key, else the rule's source ({@code header:<name>},
 * {@code path}, {@code caller}, {@code tag}); a request with no key is balanced at random. Weights
 * and warm-up are not used. Thread-safe, allocation-free.
 */
final class ConsistentHashBalancer extends Balancer {

  static final int VIRTUAL_NODES = 128;

  private final long[] points;
  private final int[] owners;
  private final String headerName;
  private final String source;

  ConsistentHashBalancer(Endpoint[] endpoints, String hashKey) {
    super(endpoints);
    this.source = hashKey == null ? null : hashKey.startsWith("header:") ? "header" : hashKey;
    this.headerName = hashKey != null && hashKey.startsWith("header:")
        ? hashKey.substring("header:".length()).toLowerCase(java.util.Locale.ROOT) : null;
    int n = endpoints.length * VIRTUAL_NODES;
    long[][] pairs = new long[n][];
    int k = 0;
    for (int i = 0; i < endpoints.length; i++) {
      String address = endpoints[i].instance.address();
      for (int v = 0; v < VIRTUAL_NODES; v++) {
        pairs[k++] = new long[] {hash(address + "#" + v), i};
      }
    }
    Arrays.sort(pairs, (x, y) -> Long.compare(x[0], y[0]));
    points = new long[n];
    owners = new int[n];
    for (int i = 0; i < n; i++) {
      points[i] = pairs[i][0];
      owners[i] = (int) pairs[i][1];
    }
  }

  @Override
  Endpoint pick(GovernedRequest request, long now, long warmupNanos) {
    String key = key(request);
    if (key == null) {
      return endpoints[ThreadLocalRandom.current().nextInt(endpoints.length)];
    }
    long h = hash(key);
    int i = Arrays.binarySearch(points, h);
    if (i < 0) {
      i = -i - 1;
      if (i == points.length) {
        i = 0;
      }
    }
    return endpoints[owners[i]];
  }

  private String key(GovernedRequest request) {
    String key = request.hashKey();
    if (key != null || source == null) {
      return key;
    }
    switch (source) {
      case "header":
        return request.header(headerName);
      case "path":
        return request.path();
      case "caller":
        return request.caller();
      default:
        return request.tag();
    }
  }

  /** FNV-1a over the chars, then the murmur3 finalizer: a well-spread 64-bit hash. */
  static long hash(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
