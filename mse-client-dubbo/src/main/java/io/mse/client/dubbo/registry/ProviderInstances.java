package io.mse.client.dubbo.registry;

import static org.apache.dubbo.common.constants.CommonConstants.PATH_KEY;
import static org.apache.dubbo.common.constants.CommonConstants.PROTOCOL_KEY;
import static org.apache.dubbo.common.constants.RegistryConstants.CATEGORY_KEY;
import static org.apache.dubbo.common.constants.RegistryConstants.DEFAULT_CATEGORY;

import io.mse.client.naming.Instance;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.common.url.component.DubboServiceAddressURL;
import org.apache.dubbo.common.url.component.ServiceConfigURL;

/**
 * The registry instance of a Dubbo URL and back, as {@code dubbo-registry-nacos} 3.3 writes and reads
 * them: the instance is the URL's host and port, weight 1, healthy, enabled, ephemeral, in the default
 * cluster, and its metadata is every parameter of the URL plus {@code category} (default
 * {@code providers}), {@code protocol} and {@code path}. A consumer URL (port 0, {@code side=consumer}) makes
 * a consumer's registration ({@link Instance#isConsumerRegistration()}). Back, a URL is made of the instance's address
 * and the metadata's protocol, path and parameters. Stateless and thread-safe.
 */
final class ProviderInstances {

  private ProviderInstances() {}

  /**
   * Returns the instance registered for {@code url}.
   *
   * @throws IllegalArgumentException when the URL's host, port or parameters make no valid instance (port 0
   *     without {@code side=consumer}, for one)
   */
  static Instance of(URL url) {
    Map<String, String> metadata = new LinkedHashMap<>(url.getParameters());
    metadata.put(CATEGORY_KEY, url.getCategory(DEFAULT_CATEGORY));
    metadata.put(PROTOCOL_KEY, url.getProtocol());
    if (url.getPath() != null) {
      metadata.put(PATH_KEY, url.getPath());
    }
    return Instance.builder().ip(url.getHost()).port(url.getPort()).metadata(metadata).build();
  }

  /**
   * Returns the URL of a registered instance as a subscriber of {@code consumerUrl} sees it, or null
   * when its metadata names no protocol (an instance not registered by Dubbo).
   */
  static URL toUrl(Instance instance, URL consumerUrl) {
    Map<String, String> metadata = instance.metadata();
    String protocol = metadata.get(PROTOCOL_KEY);
    if (protocol == null || protocol.isBlank()) {
      return null;
    }
    URL url = new ServiceConfigURL(protocol, instance.ip(), instance.port(), metadata.get(PATH_KEY), metadata);
    return new DubboServiceAddressURL(url.getUrlAddress(), url.getUrlParam(), consumerUrl, null);
  }
}
