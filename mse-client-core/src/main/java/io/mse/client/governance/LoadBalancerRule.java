package io.mse.client.governance;

import java.time.Duration;

/**
 * How the instances of a service (or of a route's subset) are balanced. Immutable and thread-safe.
 *
 * @param type the algorithm; not null
 * @param hashKey for {@link LoadBalancerType#CONSISTENT_HASH}: where the key comes from when the
 *     request gives none ({@link GovernedRequest#hashKey()}): {@code header:<name>}, {@code path},
 *     {@code caller} or {@code tag}; nullable. A request with no key at all is balanced at random.
 * @param warmup the time over which a new instance's weight ramps up linearly from 1% to 100%: from
 *     the start time it announces ({@link io.mse.client.naming.Instance#START_TIME_METADATA_KEY}),
 *     else from when this client first saw it (instances of the first list a client receives that
 *     announce none are warm); positive, at most 24 h; null means no warm-up. Ignored by
 *     {@link LoadBalancerType#CONSISTENT_HASH}.
 */
public record LoadBalancerRule(LoadBalancerType type, String hashKey, Duration warmup) {

  /**
   * Checks and normalizes the components, as described above.
   *
   * @throws RuleValueException naming the field and its value when a component breaks its rule
   */
  public LoadBalancerRule {
    RuleChecks.required("type", type);
    if (hashKey != null) {
      hashKey = hashKey.strip();
      boolean valid = hashKey.equals("path") || hashKey.equals("caller") || hashKey.equals("tag")
          || (hashKey.startsWith("header:") && hashKey.length() > "header:".length());
      if (!valid) {
        throw new RuleValueException("hashKey", hashKey, "it must be 'header:<name>', 'path', 'caller' or 'tag'");
      }
      if (type != LoadBalancerType.CONSISTENT_HASH) {
        throw new RuleValueException("hashKey", hashKey, "it applies only to type CONSISTENT_HASH");
      }
    }
    if (warmup != null) {
      RuleChecks.positive("warmup", warmup);
    }
  }

  /** Returns a rule of {@code type} with no hash key and no warm-up. */
  public static LoadBalancerRule of(LoadBalancerType type) {
    return new LoadBalancerRule(type, null, null);
  }
}
