package io.mse.client.governance;

/**
 * The candidates one request may go to, as chosen by {@link CandidateRouter#route}: positions in the
 * list last given to {@link CandidateRouter#setCandidates} (its {@linkplain #generation()
 * generation}), ascending, with the ejected candidates already left out. A selection is prepared
 * when the candidates, the rules or an ejection change, and shared by every request routed the same
 * way until then: reading it allocates nothing. Immutable; thread-safe.
 */
public interface CandidateSelection {

  /**
   * Returns the generation of the candidate list the positions index, as returned by
   * {@link CandidateRouter#setCandidates}; a caller holding another generation's list must not map
   * these positions onto it.
   */
  long generation();

  /**
   * Returns true when the selection is every candidate of its generation (no route narrowed it and
   * none is ejected), so a caller can keep its whole list without mapping positions.
   */
  boolean isAll();

  /** Returns the number of candidates selected; 0 when the request must fail (see {@link #strict()}). */
  int size();

  /**
   * Returns the position of the {@code i}-th selected candidate in the list of this generation.
   *
   * @param i 0 to {@code size() - 1}
   * @throws IndexOutOfBoundsException when {@code i} is outside that range
   */
  int candidate(int i);

  /**
   * Returns true when the route that chose this selection has the {@link RouteFallback#FAIL}
   * fallback: a caller that narrows the selection further with filters of its own (and is left with
   * none) must then fail the call rather than widen it to other candidates.
   */
  boolean strict();
}
