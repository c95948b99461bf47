package io.mse.client.dubbo;

import static org.assertj.core.api.Assertions.assertThat;

import io.mse.client.dubbo.config.MseDynamicConfigurationFactory;
import io.mse.client.dubbo.discovery.MseServiceDiscoveryFactory;
import io.mse.client.dubbo.metadata.MseMetadataReportFactory;
import io.mse.client.dubbo.registry.MseRegistryFactory;
import org.apache.dubbo.common.config.configcenter.DynamicConfigurationFactory;
import org.apache.dubbo.metadata.report.MetadataReportFactory;
import org.apache.dubbo.registry.RegistryFactory;
import org.apache.dubbo.registry.client.ServiceDiscoveryFactory;
import org.apache.dubbo.rpc.model.ApplicationModel;
import org.apache.dubbo.rpc.model.FrameworkModel;
import org.junit.jupiter.api.Test;

/** The four {@code mse} extensions are found by Dubbo's extension loader under the names the README gives. */
class SpiDeclarationsTest {

  @Test
  void dubbosExtensionLoaderFindsEveryMseExtension() {
    FrameworkModel framework = new FrameworkModel();
    try {
      ApplicationModel app = framework.newApplication();
      // Dubbo wraps registry factories (RegistryFactoryWrapper): ask for the unwrapped extension
      assertThat(app.getExtensionLoader(RegistryFactory.class).getExtension("mse", false))
          .isInstanceOf(MseRegistryFactory.class);
      assertThat(app.getExtensionLoader(ServiceDiscoveryFactory.class).getExtension("mse"))
          .isInstanceOf(MseServiceDiscoveryFactory.class);
      assertThat(app.getExtensionLoader(DynamicConfigurationFactory.class).getExtension("mse"))
          .isInstanceOf(MseDynamicConfigurationFactory.class);
      assertThat(app.getExtensionLoader(MetadataReportFactory.class).getExtension("mse"))
          .isInstanceOf(MseMetadataReportFactory.class);
    } finally {
      framework.destroy();
    }
  }
}
