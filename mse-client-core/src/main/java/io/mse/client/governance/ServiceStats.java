package io.mse.client.governance;

import java.util.Set;

/**
 * The live state of one service governance follows, for monitoring: ejected instances now and how
 * often each route subset was chosen. Reads allocate nothing and take no lock, but {@link #subsets()},
 * which copies. Thread-safe.
 */
public interface ServiceStats {

  /** Returns the service's group. */
  String group();

  /** Returns the service's name. */
  String service();

  /** Returns the instances of the service ejected now by outlier detection. */
  int ejectedInstances();

  /**
   * Returns the subsets attempts went to so far, or may go to by the rules in force: a route
   * destination's labels as {@code key=value} pairs sorted by key and joined by {@code ,}
   * ({@code version=v2}), and {@code *} for all instances (no route matched, a destination without
   * labels, or the fallback {@code ALL_INSTANCES} of an empty subset). A snapshot copy.
   */
  Set<String> subsets();

  /**
   * Returns how many allowed attempts went to {@code subset} (as {@link #subsets()} names it); 0 when unknown.
   * Counted only while the governance is observed ({@link GovernanceStats#observe()}).
   */
  long choices(String subset);
}
