package io.mse.client.governance.internal;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration format of rule documents: a whole number followed by a unit, {@code ms}, {@code s},
 * {@code m} or {@code h}, for example {@code "250ms"}, {@code "1s"}, {@code "2m"}.
 */
public final class Durations {

  /**
   * The longest duration a rule accepts (timeouts, windows, ejection times, warm-up, breaker waits,
   * rate-limit periods): 24 hours. Longer ones make no sense for these and would overflow nanosecond
   * arithmetic on the ticker.
   */
  public static final Duration MAX = Duration.ofHours(24);

  private static final Pattern FORMAT = Pattern.compile("([0-9]{1,12})(ms|s|m|h)");

  private Durations() {}

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException when {@code text} does not follow the format
   */
  public static Duration parse(String text) {
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

  /** Formats a duration in the largest unit that keeps it whole. */
  public static String format(Duration duration) {
    if (duration.getSeconds() >= Long.MAX_VALUE / 1000) {
      return duration.getSeconds() + "s";   // too long for milliseconds
    }
    long ms = duration.toMillis();
    if (ms != 0 && ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms != 0 && ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms != 0 && ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
