/**
 * mse-client's traffic governance inside Dubbo 3.3: a consumer {@link
 * org.apache.dubbo.rpc.cluster.filter.ClusterFilter} ({@link io.mse.client.dubbo.governance.MseClusterFilter}:
 * tag propagation, rate limit and retries per logical call), a consumer and provider {@link
 * org.apache.dubbo.rpc.Filter} ({@link io.mse.client.dubbo.governance.MseFilter}: circuit breaker,
 * timeout and outcomes per attempt; rate limit and tag restoring on the provider) and a {@link
 * org.apache.dubbo.rpc.cluster.router.state.StateRouter} ({@link io.mse.client.dubbo.governance.MseStateRouterFactory}:
 * routes, subsets, weights, outlier ejection), all under the extension name {@code mse}, applying
 * the {@link io.mse.client.governance.Governance} installed with {@link
 * io.mse.client.dubbo.governance.MseDubboGovernance}. See {@code docs/dubbo-governance.md}.
 *
 * <p>Parameters and return values are non-null unless documented as nullable.
 */
package io.mse.client.dubbo.governance;
