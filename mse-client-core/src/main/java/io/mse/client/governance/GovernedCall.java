package io.mse.client.governance;

import io.mse.client.naming.Instance;

/**
 * The call made to the instance governance chose, for {@link Governance#call}. It may be invoked
 * several times (once per attempt, on different instances). A thrown exception is a failure (for
 * the breaker, outlier detection and retries).
 *
 * @param <T> the call's result
 */
@FunctionalInterface
public interface GovernedCall<T> {

  /**
   * Calls {@code instance}.
   *
   * @param instance the chosen instance; not null
   * @return the result, passed back to the caller of {@link Governance#call}
   * @throws Exception to report a failure
   */
  T call(Instance instance) throws Exception;
}
