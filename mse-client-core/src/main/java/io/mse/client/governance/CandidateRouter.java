package io.mse.client.governance;

import io.mse.client.naming.Instance;
import java.util.List;

/**
 * Governance of one service over candidates that another framework lists and balances itself
 * (Dubbo's invokers, a name resolver's addresses) rather than instances governance reads from the
 * registry: the service's routes (match, destination subsets chosen by weight, fallbacks) and
 * outlier ejection narrow the caller's list ({@link #route}), and each attempt on the candidate the
 * framework picked takes the resource's circuit-breaker permit and reports its outcome
 * ({@link #decide}) to the breaker, outlier detection and the counters. Load balancer rules do not
 * apply: the framework balances. Rate limits and retries are taken once per logical call, by
 * {@link Governance#callAttempts} or {@link Governance#acquirePermit}.
 *
 * <p>A candidate is an {@link Instance}: its metadata holds the labels route subsets match (for a
 * Dubbo provider, its URL parameters), its address identifies it for outlier detection. Candidates
 * with the same ip, port and cluster are one instance (their outcomes are counted together; routing
 * selects or leaves out all of their positions). Candidates that are not
 * {@linkplain Instance#isSelectable() selectable} are never selected.
 *
 * <p>Made by {@link Governance#candidateRouter}: one per candidate list (for Dubbo, per router
 * chain of a reference). Routers of one service share its rules, not their instance statistics.
 * Rule changes reach every open router, all or nothing, like the services governance follows.
 *
 * <p>Thread-safe. {@link #setCandidates} is meant for list changes, not the call path: it rebuilds
 * the prepared selections; {@link #route} reads them without a lock or an allocation.
 */
public interface CandidateRouter extends AutoCloseable {

  /** Returns the service whose routes and outlier detection apply, as given to {@link Governance#candidateRouter}. */
  String service();

  /**
   * Replaces the candidates. A candidate still listed (same ip, port and cluster) keeps its outlier
   * statistics and ejection; one no longer listed is forgotten.
   *
   * @param candidates the candidates in the caller's order: a selection's positions index this list;
   *     not null, no null element; may be empty
   * @return the new list's generation, which the selections made from it report
   */
  long setCandidates(List<Instance> candidates);

  /**
   * Routes a request: the first route of the service whose match holds chooses a destination by
   * weight, whose subset (minus ejected candidates, with the route's fallback applied when that
   * leaves none) is returned; without a matching route, every candidate not ejected (all of them
   * when every one is ejected). Reads prepared state: no lock, no allocation; reads the ticker only
   * when an ejection is due to end.
   *
   * @return the selection; empty when the request must fail (a {@link RouteFallback#FAIL} route
   *     with an empty subset, or no destination left), and also before the first
   *     {@link #setCandidates}
   * @throws IllegalStateException when this router or its governance is closed
   */
  CandidateSelection route(GovernedRequest request);

  /**
   * Returns every candidate not ejected (all of them when every one is ejected), whatever the
   * routes say: what a caller widens a non-{@linkplain CandidateSelection#strict() strict}
   * selection to when its own filters leave none of it.
   */
  CandidateSelection available();

  /**
   * Starts one attempt of {@code request} on the candidate at {@code host:port}: takes the
   * resource's circuit-breaker permit and returns the decision to report the attempt's outcome on
   * (exactly one of {@link Decision#onSuccess()}, {@link Decision#onError(Throwable)},
   * {@link Decision#release()}), which feeds the breaker, this router's outlier detection and the
   * counters; its {@link Decision#timeoutNanos()} is the resource's timeout. Takes no rate-limit
   * permit. Reads the ticker once.
   *
   * @param request the request, whose resource names the breaker and timeout rules
   * @param host the candidate's ip or host name, as in its {@link Instance#ip()}
   * @param port the candidate's port
   * @return the decision; when no candidate has that address (the list changed meanwhile), a
   *     decision on an instance of that address whose outcome feeds the breaker and counters only
   * @throws CircuitOpenException when the resource's circuit breaker refuses the attempt
   * @throws IllegalArgumentException when no candidate has that address and it is no valid
   *     {@link Instance} address (a blank host, a port outside 1 to 65535)
   * @throws IllegalStateException when this router or its governance is closed
   */
  Decision decide(GovernedRequest request, String host, int port);

  /** Returns the candidates ejected now; empty when none. */
  List<Instance> ejectedInstances();

  /** Stops following rule changes; idempotent. Calls after it fail with {@link IllegalStateException}. */
  @Override
  void close();
}
