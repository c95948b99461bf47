package io.mse.bench.sca;

import io.mse.client.MseClient;
import io.mse.client.naming.Instance;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Check (d): which address an application of each stack registers when nothing says which, and
 * whether the override is honoured: Spring Cloud Alibaba's {@code spring.cloud.nacos.discovery.ip};
 * on mse-client-spring the same property (read as an alias where that support is present) and
 * {@code mse.discovery.ip}. Reads the registered instances back from Nacos.
 */
final class AddressCheck {

  static final String OVERRIDE = "10.99.0.7";
  static final String MSE_OVERRIDE = "10.99.0.8";

  private final NacosServer server;
  private final Path logDir;
  private final String run;

  AddressCheck(NacosServer server, Path logDir, String run) {
    this.server = server;
    this.logDir = logDir;
    this.run = run;
  }

  /**
   * The constructed host: a network namespace of its own ({@code unshare -n}, root only) whose
   * interfaces are {@code lo}, then a Docker-like bridge {@code docker0} (172.17.0.1/16, so of a lower
   * index than the next one), then {@code eth0} (a veth, 10.0.3.15/24). No server is reachable there,
   * so only the address each stack would register is read (its Spring Cloud {@code Registration}).
   */
  static final String NAMESPACE_SETUP = String.join(" && ", "ip link set lo up",
      "ip link add docker0 type bridge", "ip addr add 172.17.0.1/16 dev docker0", "ip link set docker0 up",
      "ip link add eth0 type veth peer name veth0", "ip addr add 10.0.3.15/24 dev eth0", "ip link set eth0 up",
      "ip link set veth0 up", "ip -o -4 addr");

  /** The host's interfaces that are up, with their addresses, in index order. */
  static String interfaces() throws Exception {
    List<String> lines = new ArrayList<>();
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isUp()) {
        lines.add(nic.getIndex() + ":" + nic.getName() + " " + Collections.list(nic.getInetAddresses()).stream()
            .map(InetAddress::getHostAddress).collect(Collectors.joining(", ", "[", "]")));
      }
    }
    Collections.sort(lines);
    return String.join("; ", lines);
  }

  /** Case name -> the address the application would register, on the constructed host (see {@link #NAMESPACE_SETUP}). */
  Map<String, String> measureConstructed(Stack stack) throws Exception {
    List<String> prefix = List.of("unshare", "-n", "sh", "-c", NAMESPACE_SETUP + " && exec \"$@\"", "sh");
    List<String> tolerateNoServer = stack == Stack.SCA
        ? List.of("--spring.cloud.nacos.discovery.fail-fast=false", "--spring.cloud.nacos.config.enabled=false",
            "--spring.cloud.nacos.config.import-check.enabled=false")
        : List.of();
    List<ForkedApp> apps = new ArrayList<>();
    Map<String, ForkedApp> byCase = new LinkedHashMap<>();
    try {
      int i = 0;
      for (Map.Entry<String, List<String>> c : cases(stack).entrySet()) {
        List<String> args = new ArrayList<>(stack.serverArguments(server));
        args.add("--spring.application.name=cmp-netns-" + run + "-" + i);
        args.addAll(tolerateNoServer);
        args.addAll(c.getValue());
        ForkedApp app = ForkedApp.start(stack, stack.name().toLowerCase() + "-netns-" + i++, logDir, prefix, args);
        apps.add(app);
        byCase.put(c.getKey(), app);
      }
      Map<String, String> chosen = new LinkedHashMap<>();
      for (Map.Entry<String, ForkedApp> c : byCase.entrySet()) {
        chosen.put(c.getKey(), String.valueOf(c.getValue().registrationHost()));
      }
      return chosen;
    } finally {
      ShutdownCheck.stopAll(apps);
    }
  }

  private static Map<String, List<String>> cases(Stack stack) {
    Map<String, List<String>> cases = new LinkedHashMap<>();
    cases.put("no override", List.of());
    cases.put("spring.cloud.nacos.discovery.ip=" + OVERRIDE, List.of("--spring.cloud.nacos.discovery.ip=" + OVERRIDE));
    if (stack == Stack.MSE) {
      cases.put("mse.discovery.ip=" + MSE_OVERRIDE, List.of("--mse.discovery.ip=" + MSE_OVERRIDE));
    }
    return cases;
  }

  /** Case name -> registered address(es), read back from the server. */
  Map<String, String> measure(Stack stack, MseClient reader) throws Exception {
    Map<String, List<String>> cases = cases(stack);
    List<ForkedApp> apps = new ArrayList<>();
    Map<String, String> services = new LinkedHashMap<>();
    try {
      int i = 0;
      for (Map.Entry<String, List<String>> c : cases.entrySet()) {
        String service = "cmp-ip-" + run + "-" + stack.name().toLowerCase() + "-" + i++;
        List<String> args = new ArrayList<>(stack.serverArguments(server));
        args.add("--spring.application.name=" + service);
        args.add(stack.importOf("cmp-" + run + "-absent.properties", "CMP"));
        args.addAll(c.getValue());
        apps.add(ForkedApp.start(stack, stack.name().toLowerCase() + "-ip-" + i, logDir, args));
        services.put(c.getKey(), service);
      }
      for (ForkedApp app : apps) {
        app.awaitReady();
      }
      Map<String, String> registered = new LinkedHashMap<>();
      for (Map.Entry<String, String> c : services.entrySet()) {
        ScaComparison.await(c.getValue() + " registered", () -> !reader.naming().getAllInstances(c.getValue(),
            "DEFAULT_GROUP").isEmpty());
        registered.put(c.getKey(), reader.naming().getAllInstances(c.getValue(), "DEFAULT_GROUP").stream()
            .map(Instance::ip).collect(Collectors.joining(",")));
      }
      return registered;
    } finally {
      ShutdownCheck.stopAll(apps);
    }
  }
}
