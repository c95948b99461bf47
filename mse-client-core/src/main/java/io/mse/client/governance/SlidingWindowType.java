package io.mse.client.governance;

/** How a circuit breaker's sliding window is measured (as in Resilience4j). */
public enum SlidingWindowType {
  /** The last {@code slidingWindowSize} calls. */
  COUNT_BASED,
  /** The calls of the last {@code slidingWindowSize} seconds, measured with the client's ticker. */
  TIME_BASED
}
