package io.mse.client.governance.internal;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks shared by the rule records (builder path) and the document parser (JSON path). Each
 * throws a {@link RuleValueException} naming the field and the value.
 */
public final class RuleChecks {

  private RuleChecks() {}

  public static String nonBlank(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new RuleValueException(field, value, "it must not be blank");
    }
    return value.strip();
  }

  public static int positive(String field, int value) {
    if (value <= 0) {
      throw new RuleValueException(field, value, "it must be positive");
    }
    return value;
  }

  public static int atLeast(String field, int value, int min) {
    if (value < min) {
      throw new RuleValueException(field, value, "it must be at least " + min);
    }
    return value;
  }

  public static int range(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw new RuleValueException(field, value, "it must be from " + min + " to " + max);
    }
    return value;
  }

  /** A percentage above 0 and at most 100. */
  public static double percent(String field, double value) {
    if (!(value > 0 && value <= 100)) {
      throw new RuleValueException(field, value, "it must be above 0 and at most 100 (a percentage)");
    }
    return value;
  }

  /** A duration above 0 and at most {@link Durations#MAX} (24 hours). */
  public static Duration positive(String field, Duration value) {
    if (value == null) {
      throw new RuleValueException(field, null, "it is required");
    }
    if (value.isNegative() || value.isZero()) {
      throw new RuleValueException(field, Durations.format(value), "it must be positive");
    }
    if (value.compareTo(Durations.MAX) > 0) {
      throw new RuleValueException(field, Durations.format(value), "it must be at most "
          + Durations.format(Durations.MAX));
    }
    return value;
  }

  public static <T> T required(String field, T value) {
    if (value == null) {
      throw new RuleValueException(field, null, "it is required");
    }
    return value;
  }

  /** Copies a list into an unmodifiable one; null means empty; null elements are rejected. */
  public static <T> List<T> list(String field, List<T> values) {
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
  public static <V> Map<String, V> map(String field, Map<String, V> values) {
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
}
