/**
 * The side-by-side comparison with Spring Cloud Alibaba ({@link io.mse.bench.sca.ScaComparison}):
 * a driver that forks the same application on each stack's class path and measures it against real
 * Nacos servers. Not in the default build (Maven profile {@code sca-comparison}).
 */
package io.mse.bench.sca;
