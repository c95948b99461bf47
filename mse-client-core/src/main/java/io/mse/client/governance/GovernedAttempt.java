package io.mse.client.governance;

/**
 * One attempt of a call whose instance is picked by the caller's own framework, for
 * {@link Governance#callAttempts}. It may be invoked several times (once per attempt); each
 * invocation picks its instance, takes its circuit-breaker permit and reports its outcome itself
 * (for example with {@link CandidateRouter#decide}).
 *
 * @param <T> the call's result
 */
@FunctionalInterface
public interface GovernedAttempt<T> {

  /**
   * Makes one attempt.
   *
   * @param attempt 1 for the first attempt, 2 for the first retry, and so on
   * @return the result, passed back to the caller of {@link Governance#callAttempts}
   * @throws Exception to report a failure; a {@link RateLimitedException},
   *     {@link CircuitOpenException} or {@link io.mse.client.naming.NoInstanceAvailableException} is
   *     a refusal, which is never retried
   */
  T attempt(int attempt) throws Exception;
}
