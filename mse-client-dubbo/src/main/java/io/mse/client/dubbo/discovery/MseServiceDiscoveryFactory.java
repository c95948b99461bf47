package io.mse.client.dubbo.discovery;

import io.mse.client.MseClientConfig;
import io.mse.client.dubbo.governance.AutomaticGovernance;
import io.mse.client.dubbo.registry.ClientSettings;
import io.mse.client.dubbo.registry.MseRegistryFactory;
import io.mse.client.dubbo.registry.SharedClients;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.registry.client.AbstractServiceDiscoveryFactory;
import org.apache.dubbo.registry.client.ServiceDiscovery;

/**
 * Dubbo's {@code ServiceDiscoveryFactory} extension {@code mse}, for application-level discovery
 * ({@code register-mode=instance} or {@code all}) on the same {@code mse://} addresses as the registry
 * ({@link ClientSettings}). Declared in
 * {@code META-INF/dubbo/org.apache.dubbo.registry.client.ServiceDiscoveryFactory}. Discoveries are cached
 * per address, namespace, group and engine, and share the JVM's client of their settings
 * ({@link SharedClients}) with the registry; the first one of an application installs mse governance as
 * the registry does ({@link AutomaticGovernance}). Made by Dubbo's extension loader; thread-safe.
 */
public class MseServiceDiscoveryFactory extends AbstractServiceDiscoveryFactory {

  @Override
  protected String createRegistryCacheKey(URL url) {
    return MseRegistryFactory.cacheKey(url);
  }

  @Override
  protected ServiceDiscovery createDiscovery(URL registryUrl) {
    MseClientConfig settings = ClientSettings.of(registryUrl);
    AutomaticGovernance.install(applicationModel, registryUrl, settings);
    SharedClients.Lease lease = SharedClients.acquire(settings);
    try {
      return new MseServiceDiscovery(applicationModel, registryUrl, lease);
    } catch (RuntimeException e) {
      lease.close();
      throw e;
    }
  }
}
