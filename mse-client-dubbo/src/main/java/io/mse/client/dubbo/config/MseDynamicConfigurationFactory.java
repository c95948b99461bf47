package io.mse.client.dubbo.config;

import io.mse.client.dubbo.registry.ClientSettings;
import io.mse.client.dubbo.registry.SharedClients;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.common.config.configcenter.AbstractDynamicConfigurationFactory;
import org.apache.dubbo.common.config.configcenter.DynamicConfiguration;

/**
 * Dubbo's {@code DynamicConfigurationFactory} extension {@code mse}: the config center at an
 * {@code mse://} address ({@link ClientSettings}), given as {@code dubbo.config-center.address} or derived
 * by Dubbo from the registry address. Dubbo's default config-center namespace {@code dubbo} means the
 * public namespace, as with Dubbo's Nacos config center. Declared in
 * {@code META-INF/dubbo/org.apache.dubbo.common.config.configcenter.DynamicConfigurationFactory}. Made by
 * Dubbo's extension loader; thread-safe.
 */
public class MseDynamicConfigurationFactory extends AbstractDynamicConfigurationFactory {

  /** Dubbo's default config-center namespace, which means the public one here: {@value}. */
  static final String DUBBO_DEFAULT_NAMESPACE = "dubbo";

  @Override
  protected DynamicConfiguration createDynamicConfiguration(URL url) {
    String namespace = url.getParameter("namespace");
    if (DUBBO_DEFAULT_NAMESPACE.equals(namespace)) {
      namespace = "";
    }
    SharedClients.Lease lease = SharedClients.acquire(ClientSettings.of(url, namespace));
    try {
      return new MseDynamicConfiguration(lease);
    } catch (RuntimeException e) {
      lease.close();
      throw e;
    }
  }
}
