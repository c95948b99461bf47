package io.mse.client.dubbo.registry;

import io.mse.client.MseClientConfig;
import io.mse.client.dubbo.governance.AutomaticGovernance;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.registry.Registry;
import org.apache.dubbo.registry.support.AbstractRegistryFactory;

/**
 * Dubbo's {@code RegistryFactory} extension {@code mse}: {@code dubbo.registry.address=mse://host:8848}
 * (Nacos), {@code mse://embedded} or {@code mse://host:2181?engine=zookeeper} (see {@link ClientSettings}
 * for every address form and parameter). Declared in {@code META-INF/dubbo/org.apache.dubbo.registry.RegistryFactory}.
 *
 * <p>Registries are cached by Dubbo's {@link AbstractRegistryFactory} per address, namespace, group and
 * engine; each holds a lease on the JVM's shared client of its settings ({@link SharedClients}). The first
 * registry of a Dubbo application also installs mse governance in it from that client, unless one is
 * installed or {@code mse.governance=false} ({@link AutomaticGovernance}). Made by
 * Dubbo's extension loader; thread-safe.
 */
public class MseRegistryFactory extends AbstractRegistryFactory {

  /** The extension name and URL scheme: {@value}. */
  public static final String NAME = "mse";

  @Override
  protected String createRegistryCacheKey(URL url) {
    return cacheKey(url);
  }

  @Override
  protected Registry createRegistry(URL url) {
    MseClientConfig settings = ClientSettings.of(url);
    if (applicationModel != null) {
      AutomaticGovernance.install(applicationModel, url, settings);
    }
    SharedClients.Lease lease = SharedClients.acquire(settings);
    try {
      return new MseRegistry(url, lease, applicationModel);
    } catch (RuntimeException e) {
      lease.close();
      throw e;
    }
  }

  /**
   * The key Dubbo caches a registry or discovery under: the address with the parameters that choose the
   * server, the namespace, the group and the client's settings (not the credentials' password).
   */
  public static String cacheKey(URL url) {
    StringBuilder key = new StringBuilder(url.toServiceStringWithoutResolving());
    for (String name : new String[] {"namespace", "group", "nacos.group", ClientSettings.ENGINE, "backup",
        "contextPath", ClientSettings.SNAPSHOT_DIR, ClientSettings.EMBEDDED_DATA_DIR,
        ClientSettings.REQUEST_TIMEOUT_MILLIS, ClientSettings.PUSH_EMPTY_PROTECTION, "username"}) {
      String value = url.getParameter(name);
      if (value != null && !value.isEmpty()) {
        key.append(key.indexOf("?") < 0 ? '?' : '&').append(name).append('=').append(value);
      }
    }
    url.getParameters().forEach((name, value) -> {
      if (name.startsWith(ClientSettings.PROPERTY_PREFIX)) {
        key.append(key.indexOf("?") < 0 ? '?' : '&').append(name).append('=').append(value);
      }
    });
    return key.toString();
  }
}
