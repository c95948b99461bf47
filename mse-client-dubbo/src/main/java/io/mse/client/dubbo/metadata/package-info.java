/**
 * Dubbo's metadata report {@code mse} ({@link io.mse.client.dubbo.metadata.MseMetadataReportFactory}),
 * including the interface → application mapping, stored as Dubbo's Nacos metadata report stores it.
 *
 * <p>Nullness: parameters and return values are non-null unless documented as nullable.
 */
package io.mse.client.dubbo.metadata;
