package io.mse.client.governance.internal;

import io.mse.client.governance.GovernedRequest;
import io.mse.client.governance.LoadBalancerRule;
import io.mse.client.governance.LoadBalancerType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The instances a request may go to once routed (a destination's subset, or all instances), minus
 * the ejected ones, with their balancer. Immutable; rebuilt on every change. Thread-safe.
 */
final class Pool {

  /** The subset's selectable members, ejected or not. */
  final Endpoint[] members;
  /** The balancer over the members not ejected; null when there is none (the pool is empty). */
  final Balancer balancer;
  final long warmupNanos;
  /** The ticker time at which every member is warm; Long.MIN_VALUE when none is warming. */
  final long warmUntilNanos;
  /** The candidate positions of the chosen members, in a candidate runtime; null otherwise. */
  final Selection selection;

  private Pool(Endpoint[] members, Balancer balancer, long warmupNanos, long warmUntilNanos, Selection selection) {
    this.members = members;
    this.balancer = balancer;
    this.warmupNanos = warmupNanos;
    this.warmUntilNanos = warmUntilNanos;
    this.selection = selection;
  }

  /**
   * Returns this pool with the selection of its chosen members (those not ejected, or all of them
   * in panic) in a candidate list of {@code generation} and {@code listSize} positions.
   */
  Pool withSelection(long generation, int listSize, boolean strict) {
    Endpoint[] chosen = balancer == null ? new Endpoint[0] : balancer.endpoints;
    return new Pool(members, balancer, warmupNanos, warmUntilNanos, Selection.of(chosen, generation, listSize, strict));
  }

  /**
   * Builds a pool.
   *
   * @param panic when every member is ejected, balance over all of them rather than be empty
   */
  static Pool build(Endpoint[] members, LoadBalancerRule rule, boolean panic, long now) {
    List<Endpoint> available = new ArrayList<>(members.length);
    for (Endpoint e : members) {
      if (!e.ejected) {
        available.add(e);
      }
    }
    Endpoint[] chosen = available.isEmpty() && panic ? members : available.toArray(new Endpoint[0]);
    if (chosen.length == 0) {
      return new Pool(members, null, 0, Long.MIN_VALUE, null);
    }
    long warmup = rule == null || rule.warmup() == null || rule.type() == LoadBalancerType.CONSISTENT_HASH
        ? 0 : rule.warmup().toNanos();
    long warmUntil = Long.MIN_VALUE;
    if (warmup > 0) {
      for (Endpoint e : chosen) {
        if (e.firstSeenNanos != Endpoint.WARM && e.firstSeenNanos + warmup > now) {
          warmUntil = Math.max(warmUntil, e.firstSeenNanos + warmup);
        }
      }
    }
    return new Pool(members, Balancer.of(rule, chosen), warmup, warmUntil, null);
  }

  boolean isEmpty() {
    return balancer == null;
  }

  /** Picks an endpoint other than {@code exclude} when the pool has another one. */
  Endpoint pick(GovernedRequest request, long now, Endpoint exclude) {
    long warmup = now < warmUntilNanos ? warmupNanos : 0;
    Endpoint e = balancer.pick(request, now, warmup);
    if (exclude == null || e != exclude) {
      return e;
    }
    Endpoint[] all = balancer.endpoints;
    if (all.length == 1) {
      return e;
    }
    for (int k = 0; k < 2 && e == exclude; k++) {
      e = balancer.pick(request, now, warmup);
    }
    if (e == exclude) {
      int start = ThreadLocalRandom.current().nextInt(all.length);
      for (int k = 0; k < all.length; k++) {
        Endpoint candidate = all[(start + k) % all.length];
        if (candidate != exclude) {
          return candidate;
        }
      }
    }
    return e;
  }
}
