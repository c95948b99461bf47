/**
 * Micrometer metrics of a client and its governance: {@link io.mse.client.metrics.MseClientMetrics}
 * (one {@code MeterBinder} for plain users: {@code new MseClientMetrics(client).bindTo(registry)})
 * and {@link io.mse.client.metrics.GovernanceMetrics} (a governance built on its own). The meters
 * and their tags are listed in one table in {@code docs/metrics.md}.
 *
 * <p>Micrometer ({@code io.micrometer:micrometer-core}) is an optional dependency of mse-client-core:
 * only this package uses it, so an application without Micrometer never loads these classes. The
 * meters read the client's live counts ({@link io.mse.client.ClientStats},
 * {@link io.mse.client.governance.GovernanceStats}) when the registry is scraped: binding adds no I/O,
 * lock or allocation to config reads, instance reads or governed decisions. Parameters and return
 * values are non-null.
 */
package io.mse.client.metrics;
