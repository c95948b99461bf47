package io.mse.client.dubbo.discovery;

import io.mse.client.naming.Instance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.registry.client.DefaultServiceInstance;
import org.apache.dubbo.registry.client.ServiceInstance;
import org.apache.dubbo.rpc.model.ScopeModelUtil;

/**
 * Dubbo application instances and registry instances, converted as Dubbo's {@code NacosNamingServiceUtils}
 * 3.3 does: the service is the application name, the address the instance's, the metadata Dubbo's
 * (sorted) as it is, enabled and healthy carried over, weight 1. Stateless and thread-safe.
 */
final class ServiceInstances {

  private ServiceInstances() {}

  /** Returns the registry instance of a Dubbo application instance. */
  static Instance toInstance(ServiceInstance serviceInstance) {
    return Instance.builder().ip(serviceInstance.getHost()).port(serviceInstance.getPort())
        .metadata(serviceInstance.getSortedMetadata()).enabled(serviceInstance.isEnabled())
        .healthy(serviceInstance.isHealthy()).build();
  }

  /** Returns the Dubbo application instances of the registry instances of application {@code serviceName}. */
  static List<ServiceInstance> of(String serviceName, List<Instance> instances, URL registryUrl) {
    List<ServiceInstance> converted = new ArrayList<>(instances.size());
    for (Instance instance : instances) {
      DefaultServiceInstance serviceInstance = new DefaultServiceInstance(serviceName, instance.ip(), instance.port(),
          ScopeModelUtil.getApplicationModel(registryUrl.getScopeModel()));
      // Dubbo may add to an instance's metadata: give it its own, mutable copy
      serviceInstance.setMetadata(new HashMap<>(instance.metadata()));
      serviceInstance.setEnabled(instance.enabled());
      serviceInstance.setHealthy(instance.healthy());
      converted.add(serviceInstance);
    }
    return converted;
  }
}
