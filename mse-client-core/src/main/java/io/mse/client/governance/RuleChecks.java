package io.mse.client.governance;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks of the rule records' constructors, which every rule passes whether built in code or
 * read from a document. Each throws a {@link RuleValueException} naming the field and the value.
 * Stateless; thread-safe.
 */
final class RuleChecks {

  /**
   * The longest duration a rule accepts (timeouts, windows, ejection times, warm-up, breaker waits,
   * rate-limit periods): 24 hours. Longer ones make no sense for these and would overflow nanosecond
   * arithmetic on the ticker.
   */
  static final Duration MAX_DURATION = Duration.ofHours(24);

  private RuleChecks() {}

  static String nonBlank(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new RuleValueException(field, value, "it must not be blank");
    }
    return value.strip();
  }

  static int positive(String field, int value) {
    if (value <= 0) {
      throw new RuleValueException(field, value, "it must be positive");
    }
    return value;
  }

  static int atLeast(String field, int value, int min) {
    if (value < min) {
      throw new RuleValueException(field, value, "it must be at least " + min);
    }
    return value;
  }

  static int range(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw new RuleValueException(field, value, "it must be from " + min + " to " + max);
    }
    return value;
  }

  /** A percentage above 0 and at most 100. */
  static double percent(String field, double value) {
    if (!(value > 0 && value <= 100)) {
      throw new RuleValueException(field, value, "it must be above 0 and at most 100 (a percentage)");
    }
    return value;
  }

  /** A duration above 0 and at most {@link #MAX_DURATION} (24 hours). */
  static Duration positive(String field, Duration value) {
    if (value == null) {
      throw new RuleValueException(field, null, "it is required");
    }
    if (value.isNegative() || value.isZero()) {
      throw new RuleValueException(field, format(value), "it must be positive");
    }
    if (value.compareTo(MAX_DURATION) > 0) {
      throw new RuleValueException(field, format(value), "it must be at most "
          + format(MAX_DURATION));
    }
    return value;
  }

  /** A duration of 0 or more and at most {@link #MAX_DURATION} (24 hours). */
  static Duration nonNegative(String field, Duration value) {
    if (value == null) {
      throw new RuleValueException(field, null, "it is required");
    }
    if (value.isNegative()) {
      throw new RuleValueException(field, format(value), "it must not be negative");
    }
    if (value.compareTo(MAX_DURATION) > 0) {
      throw new RuleValueException(field, format(value), "it must be at most " + format(MAX_DURATION));
    }
    return value;
  }

  static <T> T required(String field, T value) {
    if (value == null) {
      throw new RuleValueException(field, null, "it is required");
    }
    return value;
  }

  /** Copies a list into an unmodifiable one; null means empty; null elements are rejected. */
  static <T> List<T> list(String field, List<T> values) {
    if (values == null) {
      return List.of();
    }
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) == null) {
        throw new RuleValueException(field + "[" + i + "]", null, "it must not be null");
      }
    }
    return List.copyOf(values);
  }

  /** Copies a map keeping its order; null means empty; blank keys and null values are rejected. */
  static <V> Map<String, V> map(String field, Map<String, V> values) {
    if (values == null || values.isEmpty()) {
      return Map.of();
    }
    Map<String, V> copy = new LinkedHashMap<>();
    values.forEach((key, value) -> {
      if (key == null || key.isBlank()) {
        throw new RuleValueException(field, key, "keys must not be blank");
      }
      if (value == null) {
        throw new RuleValueException(field + "." + key, null, "it must not be null");
      }
      copy.put(key, value);
    });
    return Collections.unmodifiableMap(copy);
  }

  /**
   * Formats a rejected duration as rule documents write them (see {@code docs/governance.md}): in
   * the largest of {@code h}, {@code m}, {@code s} or {@code ms} that keeps it whole.
   */
  static String format(Duration duration) {
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
