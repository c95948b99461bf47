package io.mse.client.governance.internal;

/**
 * A rule value breaks its rule. Carries the field name and the rejected value, so the document
 * parser can prefix the JSON path of the object it was building. Immutable.
 */
public final class RuleValueException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String field;
  private final transient Object value;
  private final String reason;

  public RuleValueException(String field, Object value, String reason) {
    super(field + " " + quote(value) + " is invalid: " + reason);
    this.field = field;
    this.value = value;
    this.reason = reason;
  }

  /** Returns the name of the field (relative to the rule object), for example {@code weight}. */
  public String field() {
    return field;
  }

  /** Returns the rejected value; may be null. */
  public Object value() {
    return value;
  }

  /** Returns why the value was rejected. */
  public String reason() {
    return reason;
  }

  /** Quotes strings, prints other values as they are. */
  public static String quote(Object value) {
    return value instanceof CharSequence ? "'" + value + "'" : String.valueOf(value);
  }
}
