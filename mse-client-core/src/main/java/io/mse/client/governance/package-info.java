/**
 * Client-side traffic governance: {@link io.mse.client.governance.Governance} applies routes, load
 * balancing, outlier ejection, rate limits, circuit breakers, retries and timeouts to outbound
 * calls, from rules in the config center ({@link io.mse.client.governance.GovernanceRules}) and the
 * registry's cached instance lists, with no I/O on the decision path.
 *
 * <p>Public interfaces and value types live here; the implementation is in the {@code internal}
 * sub-package. Parameters and return values are non-null unless documented as nullable.
 */
package io.mse.client.governance;
