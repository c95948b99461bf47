package io.mse.client.governance.internal;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration format of rule documents: a whole number followed by a unit, {@code ms}, {@code s},
 * {@code m} or {@code h}, for example {@code "250ms"}, {@code "1s"}, {@code "2m"}. The rule records
 * format rejected durations the same way. Stateless; thread-safe.
 */
final class Durations {

  private static final Pattern FORMAT = Pattern.compile("([0-9]{1,12})(ms|s|m|h)");

  private Durations() {}

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException when {@code text} does not follow the format
   */
  static Duration parse(String text) {
    Matcher m = text == null ? null : FORMAT.matcher(text.strip());
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException("a duration is a whole number and a unit (ms, s, m, h), such as '250ms',"
          + " '1s' or '2m'");
    }
    long amount = Long.parseLong(m.group(1));
    switch (m.group(2)) {
      case "ms":
        return Duration.ofMillis(amount);
      case "s":
        return Duration.ofSeconds(amount);
      case "m":
        return Duration.ofMinutes(amount);
      default:
        return Duration.ofHours(amount);
    }
  }
}
