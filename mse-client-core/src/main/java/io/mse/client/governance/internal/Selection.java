package io.mse.client.governance.internal;

import io.mse.client.governance.CandidateSelection;
import java.util.Arrays;

/**
 * The {@link CandidateSelection} of one pool of a {@linkplain ServiceRuntime candidate runtime}: the
 * positions of the pool's chosen endpoints in the candidate list of one generation, sorted. Made
 * when the table is rebuilt, never changed. Thread-safe.
 */
final class Selection implements CandidateSelection {

  private static final int[] NONE = new int[0];

  private final long generation;
  private final int[] candidates;
  private final boolean all;
  private final boolean strict;

  private Selection(long generation, int[] candidates, boolean all, boolean strict) {
    this.generation = generation;
    this.candidates = candidates;
    this.all = all;
    this.strict = strict;
  }

  /** The selection of nothing: a request that must fail. */
  static Selection none(long generation) {
    return new Selection(generation, NONE, false, true);
  }

  /**
   * The positions of {@code chosen} (each endpoint's {@link Endpoint#candidates}) in a list of
   * {@code listSize} candidates of {@code generation}.
   */
  static Selection of(Endpoint[] chosen, long generation, int listSize, boolean strict) {
    int count = 0;
    for (Endpoint e : chosen) {
      count += e.candidates.length;
    }
    if (count == 0) {
      return new Selection(generation, NONE, listSize == 0, strict);
    }
    int[] positions = new int[count];
    int k = 0;
    for (Endpoint e : chosen) {
      System.arraycopy(e.candidates, 0, positions, k, e.candidates.length);
      k += e.candidates.length;
    }
    Arrays.sort(positions);
    return new Selection(generation, positions, count == listSize, strict);
  }

  @Override
  public long generation() {
    return generation;
  }

  @Override
  public boolean isAll() {
    return all;
  }

  @Override
  public int size() {
    return candidates.length;
  }

  @Override
  public int candidate(int i) {
    return candidates[i];
  }

  @Override
  public boolean strict() {
    return strict;
  }

  @Override
  public String toString() {
    return "CandidateSelection[generation " + generation + (all ? ", all" : "") + (strict ? ", strict" : "") + ": "
        + Arrays.toString(candidates) + "]";
  }
}
