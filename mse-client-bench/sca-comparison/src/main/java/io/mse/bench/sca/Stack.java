package io.mse.bench.sca;

import java.util.ArrayList;
import java.util.List;

/**
 * The two stacks compared, each as the properties a user writes for it: Spring Cloud Alibaba
 * 2025.1.0.0's Nacos discovery and config starters (nacos-client 3.1.1, Spring Cloud LoadBalancer,
 * their defaults), and mse-client-spring (with Spring Cloud LoadBalancer on the class path too, as
 * an application moving from Spring Cloud Alibaba keeps it).
 */
enum Stack {

  SCA("Spring Cloud Alibaba 2025.1.0.0", "classpath-sca.txt") {
    @Override
    List<String> serverArguments(NacosServer server) {
      return withCredentials(server, "spring.cloud.nacos", "--spring.cloud.nacos.discovery.server-addr="
          + server.address(), "--spring.cloud.nacos.config.server-addr=" + server.address());
    }

    @Override
    String importOf(String dataId, String group) {
      return "--spring.config.import=optional:nacos:" + dataId + "?group=" + group + "&refreshEnabled=true";
    }

    @Override
    List<String> ipOverrides(String ip) {
      return List.of("--spring.cloud.nacos.discovery.ip=" + ip);
    }
  },

  MSE("mse-client-spring", "classpath-mse.txt") {
    @Override
    List<String> serverArguments(NacosServer server) {
      return withCredentials(server, "mse", "--mse.server-addr=" + server.address());
    }

    @Override
    String importOf(String dataId, String group) {
      return "--spring.config.import=optional:mse:" + dataId + "?group=" + group;
    }

    @Override
    List<String> ipOverrides(String ip) {
      return List.of("--mse.discovery.ip=" + ip);
    }
  };

  final String title;
  final String classpathFile;

  Stack(String title, String classpathFile) {
    this.title = title;
    this.classpathFile = classpathFile;
  }

  /** {@code addresses}, then {@code <prefix>.username} and {@code <prefix>.password} when the server has auth on. */
  private static List<String> withCredentials(NacosServer server, String prefix, String... addresses) {
    List<String> args = new ArrayList<>(List.of(addresses));
    if (server.auth()) {
      args.add("--" + prefix + ".username=" + server.username());
      args.add("--" + prefix + ".password=" + server.password());
    }
    return args;
  }

  /** The arguments that point the stack's discovery and config at {@code server}. */
  abstract List<String> serverArguments(NacosServer server);

  /** The {@code spring.config.import} argument of a refreshable properties config. */
  abstract String importOf(String dataId, String group);

  /** The arguments that make the application register {@code ip} (the stack's own property). */
  abstract List<String> ipOverrides(String ip);
}
