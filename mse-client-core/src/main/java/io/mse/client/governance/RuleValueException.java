package io.mse.client.governance;

/**
 * A value breaks its rule: thrown by the constructors of the rule records ({@link RouteRule},
 * {@link RateLimitRule}, {@link CircuitBreakerRule} and the others), their builders and
 * {@link GovernanceRules}, when a field is null, blank, out of range or inconsistent with another.
 * The message names the field and the rejected value, for example
 * {@code weight -5 is invalid: it must be from 0 to 100}. A document read by
 * {@link GovernanceRules#parse(String)} reports the same problems in an {@link InvalidRulesException},
 * each prefixed with the JSON path of the object.
 *
 * <p>Unchecked: a rule built in code with a bad value is a programming mistake. Immutable; the
 * rejected value is not serialized.
 */
public final class RuleValueException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** The rejected field, relative to the rule object. */
  private final String field;
  private final transient Object value;
  /** The rule the value breaks. */
  private final String reason;

  /**
   * @param field the field's name, relative to the rule object (for example {@code weight}); not null
   * @param value the rejected value; nullable (a missing value)
   * @param reason why the value is rejected, for example {@code it must be positive}; not null
   */
  RuleValueException(String field, Object value, String reason) {
    super(field + " " + quote(value) + " is invalid: " + reason);
    this.field = field;
    this.value = value;
    this.reason = reason;
  }

  /** Returns the name of the field (relative to the rule object), for example {@code weight}; never null. */
  public String field() {
    return field;
  }

  /**
   * Returns the rejected value as given, or as formatted for the message (durations, for example
   * {@code "0ms"}); null when the value was missing, or after deserialization.
   */
  public Object value() {
    return value;
  }

  /** Returns why the value was rejected, for example {@code it must be positive}; never null. */
  public String reason() {
    return reason;
  }

  /** Quotes strings, prints other values as they are. */
  private static String quote(Object value) {
    return value instanceof CharSequence ? "'" + value + "'" : String.valueOf(value);
  }
}
