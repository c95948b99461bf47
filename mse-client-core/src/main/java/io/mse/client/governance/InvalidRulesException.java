package io.mse.client.governance;

import java.util.List;

/**
 * A rule document was rejected as a whole. The message lists every problem found, each naming the
 * JSON path of the field and the rejected value, for example
 * {@code routes[0].destinations[1].weight: -5 is invalid: it must be from 0 to 100}. Immutable.
 */
public final class InvalidRulesException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** What is wrong with the document, one entry per problem. */
  private final List<String> problems;

  /** @param problems one line per problem, each starting with the JSON path; not empty */
  public InvalidRulesException(List<String> problems) {
    super("rule document rejected: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Returns one line per problem, each starting with the JSON path of the field; never empty. */
  public List<String> problems() {
    return problems;
  }
}
