package io.mse.bench.sidebyside;

import com.alibaba.nacos.api.NacosFactory;
import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.config.listener.AbstractListener;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.listener.NamingEvent;
import com.alibaba.nacos.api.naming.pojo.Instance;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * {@link BenchClient} over nacos-client 2.5.1 (gRPC to the server's port + 1000), with its
 * defaults: the config and naming services are created up front, as an application does.
 */
final class NacosSdkClient implements BenchClient {

  private final ConfigService config;
  private final NamingService naming;

  NacosSdkClient(String addr, String auth) throws Exception {
    Properties properties = properties(addr, auth);
    config = NacosFactory.createConfigService(properties);
    naming = NacosFactory.createNamingService(properties);
  }

  /** nacos-client's properties for a server and {@code user:pass} (or null). */
  static Properties properties(String addr, String auth) {
    Properties properties = new Properties();
    properties.put(PropertyKeyConst.SERVER_ADDR, addr);
    if (auth != null) {
      int colon = auth.indexOf(':');
      properties.put(PropertyKeyConst.USERNAME, auth.substring(0, colon));
      properties.put(PropertyKeyConst.PASSWORD, auth.substring(colon + 1));
    }
    return properties;
  }

  @Override
  public String name() {
    return "theirs";
  }

  @Override
  public String getConfig(String dataId, String group) throws Exception {
    return config.getConfig(dataId, group, 5000);
  }

  @Override
  public void listen(String dataId, String group, Consumer<String> onContent) throws Exception {
    config.addListener(dataId, group, new AbstractListener() {
      @Override
      public void receiveConfigInfo(String configInfo) {
        onContent.accept(configInfo);
      }
    });
  }

  @Override
  public void subscribe(String service, String group, Consumer<List<Integer>> onPorts) throws Exception {
    naming.subscribe(service, group, event -> {
      if (event instanceof NamingEvent change) {
        onPorts.accept(change.getInstances().stream().map(Instance::getPort).toList());
      }
    });
  }

  @Override
  public int cachedInstanceCount(String service, String group) throws Exception {
    return naming.getAllInstances(service, group).size();
  }

  @Override
  public void register(String service, String group, String ip, int port) throws Exception {
    naming.registerInstance(service, group, ip, port);
  }

  @Override
  public void close() {
    try {
      config.shutDown();
      naming.shutDown();
    } catch (Exception e) {
      throw new IllegalStateException("nacos-client did not shut down", e);
    }
  }
}
