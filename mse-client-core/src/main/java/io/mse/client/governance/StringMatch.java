package io.mse.client.governance;

import java.util.regex.Pattern;

/**
 * How a request attribute (the path) is matched: exactly one of {@code exact}, {@code prefix} or
 * {@code regex} is set. In JSON a plain string means {@code exact}. Immutable and thread-safe.
 *
 * @param exact the whole value; nullable
 * @param prefix the start of the value; nullable
 * @param regex a {@link Pattern} the whole value must match; nullable
 */
public record StringMatch(String exact, String prefix, String regex) {

  /**
   * Checks and normalizes the components, as described above.
   *
   * @throws IllegalArgumentException when not exactly one is set, or the regex does not compile
   */
  public StringMatch {
    int set = (exact != null ? 1 : 0) + (prefix != null ? 1 : 0) + (regex != null ? 1 : 0);
    if (set != 1) {
      throw new RuleValueException("exact/prefix/regex", set, "exactly one of exact, prefix or regex must be set");
    }
    if (regex != null) {
      try {
        Pattern.compile(regex);
      } catch (RuntimeException e) {
        throw new RuleValueException("regex", regex, "it does not compile: " + e.getMessage());
      }
    }
  }

  /** Matches {@code value} exactly. */
  public static StringMatch exact(String value) {
    return new StringMatch(value, null, null);
  }

  /** Matches values starting with {@code prefix}. */
  public static StringMatch prefix(String prefix) {
    return new StringMatch(null, prefix, null);
  }

  /** Matches values that match {@code regex} as a whole. */
  public static StringMatch regex(String regex) {
    return new StringMatch(null, null, regex);
  }
}
