package io.mse.client.dubbo.metadata;

import io.mse.client.dubbo.registry.ClientSettings;
import io.mse.client.dubbo.registry.SharedClients;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.metadata.report.MetadataReport;
import org.apache.dubbo.metadata.report.support.AbstractMetadataReportFactory;

/**
 * Dubbo's {@code MetadataReportFactory} extension {@code mse}: the metadata report (and the interface →
 * application mapping of application-level discovery) at an {@code mse://} address ({@link ClientSettings}),
 * given as {@code dubbo.metadata-report.address} or derived by Dubbo from the registry address. Declared in
 * {@code META-INF/dubbo/org.apache.dubbo.metadata.report.MetadataReportFactory}. Made by Dubbo's extension
 * loader; thread-safe.
 */
public class MseMetadataReportFactory extends AbstractMetadataReportFactory {

  @Override
  protected MetadataReport createMetadataReport(URL url) {
    SharedClients.Lease lease = SharedClients.acquire(ClientSettings.of(url));
    try {
      return new MseMetadataReport(url, lease);
    } catch (RuntimeException e) {
      lease.close();
      throw e;
    }
  }
}
