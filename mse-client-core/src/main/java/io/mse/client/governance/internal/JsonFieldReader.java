package io.mse.client.governance.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.mse.client.governance.RuleValueException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reads typed fields of a JSON tree (strings, whole numbers, numbers, durations, enum constants,
 * lists and maps of objects) and collects every problem with the JSON path of the field and the
 * rejected value, instead of stopping at the first. {@link #build} turns a rule record's
 * {@link RuleValueException} into a problem at the record's path. Not thread-safe; one instance per
 * document.
 */
final class JsonFieldReader {

  private final List<String> problems = new ArrayList<>();
  /** The path of each object node seen, so that a child's path can be told from its parent. */
  private final Map<JsonNode, String> paths = new IdentityHashMap<>();

  /** Returns the problems found so far, in document order. */
  List<String> problems() {
    return problems;
  }

  /** Returns a mark to pass to {@link #build}: the number of problems found so far. */
  int mark() {
    return problems.size();
  }

  /** Reads one element of a list or value of a map; null when it was reported as a problem. */
  interface Reader<T> {
    T read(JsonNode node, String path);
  }

  /** Reads an array of objects; empty when absent or reported. */
  <T> List<T> list(JsonNode parent, String field, Reader<T> reader) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      typeProblem(pathOf(parent, field), node, "an array");
      return List.of();
    }
    List<T> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      T value = reader.read(node.get(i), pathOf(parent, field) + "[" + i + "]");
      if (value != null) {
        out.add(value);
      }
    }
    return out;
  }

  /** Reads an object of named values (blank names reported); empty when absent or reported. */
  <T> Map<String, T> map(JsonNode parent, String field, Reader<T> reader) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return Map.of();
    }
    String path = pathOf(parent, field);
    if (!node.isObject()) {
      typeProblem(path, node, "an object");
      return Map.of();
    }
    Map<String, T> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().isBlank()) {
        problem(path, e.getKey(), "keys must not be blank");
        continue;
      }
      T value = reader.read(e.getValue(), path + "." + e.getKey());
      if (value != null) {
        out.put(e.getKey(), value);
      }
    }
    return out;
  }

  /** Returns the JSON path of {@code parent}'s field. */
  String pathOf(JsonNode parent, String field) {
    String base = paths.getOrDefault(parent, "$");
    return base + "." + field;
  }

  /** Records {@code node}'s path and returns whether it is an object, reporting it when not. */
  boolean isObject(JsonNode node, String path) {
    paths.put(node, path);
    if (!node.isObject()) {
      typeProblem(path, node, "an object");
      return false;
    }
    return true;
  }

  /** Reports every field of {@code node} not in {@code allowed}. */
  void checkFields(JsonNode node, String path, Set<String> allowed) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        problems.add(path + "." + name + ": unknown field (allowed here: " + String.join(", ", allowed) + ")");
      }
    }
  }

  /** Returns the field's string; null when absent or reported. */
  String text(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      typeProblem(path + "." + field, value, "a string");
      return null;
    }
    return value.asText();
  }

  /** Returns the field's whole number (an int); null when absent or reported. */
  Integer integer(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      typeProblem(path + "." + field, value, "a whole number");
      return null;
    }
    return value.intValue();
  }

  /** As {@link #integer}, reporting a value that is not positive. */
  Integer positiveInteger(JsonNode node, String field, String path) {
    Integer value = integer(node, field, path);
    if (value != null && value <= 0) {
      problem(path + "." + field, value, "it must be positive");
      return null;
    }
    return value;
  }

  /** Returns the field's number; null when absent or reported. */
  Double number(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isNumber()) {
      typeProblem(path + "." + field, value, "a number");
      return null;
    }
    return value.doubleValue();
  }

  /** Returns the field's duration; null when absent or reported as a problem. */
  Duration duration(JsonNode node, String field, String path) {
    String text = text(node, field, path);
    if (text == null) {
      return null;
    }
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      problem(path + "." + field, text, e.getMessage());
      return null;
    }
  }

  /** Returns the enum constant the field names (case-insensitively); null when absent or reported. */
  <E extends Enum<E>> E enumValue(JsonNode node, String field, String path, Class<E> type) {
    String text = text(node, field, path);
    return text == null ? null : enumOf(text, path + "." + field, type);
  }

  /** Returns the enum constant {@code text} names (case-insensitively); null when reported. */
  <E extends Enum<E>> E enumOf(String text, String path, Class<E> type) {
    try {
      return Enum.valueOf(type, text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problem(path, text, "it must be one of " + Arrays.toString(type.getEnumConstants()));
      return null;
    }
  }

  /** Reports a value of the wrong JSON type; returns null. */
  <T> T typeProblem(String path, JsonNode value, String expected) {
    problem(path, value.toString(), "it must be " + expected);
    return null;
  }

  /** Reports {@code value} at {@code path} (or only the reason when the value is missing). */
  void problem(String path, Object value, String reason) {
    problems.add(path + ": " + (value == null ? "" : quote(value) + " is invalid: ") + reason);
  }

  /** Quotes strings, prints other values as they are (as {@link RuleValueException}'s messages do). */
  private static String quote(Object value) {
    return value instanceof CharSequence ? "'" + value + "'" : String.valueOf(value);
  }

  /**
   * Makes a rule record unless a problem was found since {@code mark} (a field of this object was
   * already reported); a value the record rejects is reported at {@code path}. Returns null when not made.
   */
  <T> T build(String path, int mark, Supplier<T> factory) {
    if (problems.size() > mark) {
      return null;
    }
    try {
      return factory.get();
    } catch (RuleValueException e) {
      problem(path + "." + e.field(), e.value(), e.reason());
      return null;
    } catch (IllegalArgumentException | NullPointerException e) {
      problems.add(path + ": " + e.getMessage());
      return null;
    }
  }

  /** Reports each rule of {@code rules} whose key an earlier one has. */
  <T> void duplicates(List<T> rules, String field, Function<T, String> key) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < rules.size(); i++) {
      String k = key.apply(rules.get(i));
      if (k != null && !seen.add(k)) {
        problem("$." + field + "[" + i + "].resource", k, "another rule of this list has the same resource");
      }
    }
  }

  /** Hands a field's value to the builder when the document has the field. */
  static <T> void setIfPresent(T value, Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }
}
