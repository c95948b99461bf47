package io.mse.client.nacos.internal;

/**
 * Server answers made fit for a log line or an exception message. Stateless and thread-safe.
 */
final class NacosText {

  /** The most characters of an answer quoted, unless a caller says otherwise. */
  static final int MAX_QUOTED = 200;

  private NacosText() {}

  /** Returns {@code text} on one line, cut after {@value #MAX_QUOTED} characters ("..." then). */
  static String abbreviate(String text) {
    return abbreviate(text, MAX_QUOTED);
  }

  /** Returns {@code text} on one line, cut after {@code maxChars} characters ("..." then). */
  static String abbreviate(String text, int maxChars) {
    String oneLine = text.replace('\n', ' ').strip();
    return oneLine.length() <= maxChars ? oneLine : oneLine.substring(0, maxChars) + "...";
  }
}
