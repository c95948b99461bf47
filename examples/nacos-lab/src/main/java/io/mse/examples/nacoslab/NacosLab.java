package io.mse.examples.nacoslab;

import io.mse.client.MseClient;
import io.mse.client.MseClientConfig;
import io.mse.client.nacos.NacosAdmin;
import io.mse.client.naming.Instance;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Every step of the standard Nacos hands-on lab, with mse-client alone: create a namespace,
 * publish/read/update/delete a config, register two instances, list them, mark one unhealthy,
 * deregister, delete the namespace.
 *
 * <p>Environment: {@code MSE_SERVER_ADDR} (default {@code 127.0.0.1:8848}), optional
 * {@code MSE_USERNAME} / {@code MSE_PASSWORD} for an auth-enabled server. Exits non-zero when a step
 * fails. Names carry a random suffix, so runs never collide; what a run creates it deletes.
 */
public final class NacosLab {

  private static final Duration VISIBLE = Duration.ofSeconds(10);

  private NacosLab() {}

  public static void main(String[] args) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 6);
    String namespaceId = "lab-" + run;
    String dataId = "lab-" + run + ".properties";
    String service = "lab-service-" + run;

    MseClient.Builder builder = MseClient.builder()
        .serverAddr(env("MSE_SERVER_ADDR", "127.0.0.1:8848"))
        .requestTimeout(Duration.ofSeconds(5));
    String username = System.getenv("MSE_USERNAME");
    if (username != null && !username.isBlank()) {
      builder.credentials(username, env("MSE_PASSWORD", ""));
    }
    MseClientConfig settings = builder.toConfig();

    try (NacosAdmin admin = NacosAdmin.create(settings)) {
      step("1. create namespace '" + namespaceId + "'", admin.createNamespace(namespaceId, "lab " + run, "mse-client lab"));
      waitFor("namespace listed", () -> admin.listNamespaces().stream().anyMatch(n -> n.id().equals(namespaceId)));
      try (MseClient client = builder.namespace(namespaceId).build()) {
        configSteps(client, dataId);
        namingSteps(client, service);
      } finally {
        step("10. delete namespace '" + namespaceId + "'", admin.deleteNamespace(namespaceId));
      }
    }
    System.out.println("Lab complete.");
  }

  private static void configSteps(MseClient client, String dataId) {
    step("2. publish config '" + dataId + "'", client.config().publishConfig(dataId, null, "greeting=hello", "properties"));
    waitFor("config readable", () -> "greeting=hello".equals(client.config().getConfig(dataId, null)));
    step("3. read config: " + client.config().getConfig(dataId, null), true);
    step("4. update config", client.config().publishConfig(dataId, null, "greeting=hello again", "properties"));
    waitFor("update readable", () -> "greeting=hello again".equals(client.config().getConfig(dataId, null)));
    step("5. delete config", client.config().removeConfig(dataId, null));
    waitFor("config gone", () -> client.config().getConfig(dataId, null) == null);
  }

  private static void namingSteps(MseClient client, String service) {
    Instance first = Instance.builder().ip("127.0.0.1").port(18081).ephemeral(false).metadata("lab", "1").build();
    Instance second = Instance.builder().ip("127.0.0.1").port(18082).ephemeral(false).metadata("lab", "2").build();
    client.naming().registerInstance(service, null, first);
    client.naming().registerInstance(service, null, second);
    step("6. register two instances of '" + service + "'", true);
    waitFor("two instances listed", () -> client.naming().getAllInstances(service, null).size() == 2);
    List<Instance> listed = client.naming().getAllInstances(service, null);
    step("7. list instances: " + listed.stream().map(i -> i.address() + (i.healthy() ? " healthy" : " unhealthy")).toList(),
        listed.size() == 2);
    client.naming().updateInstance(service, null, first.toBuilder().healthy(false).build());
    waitFor("one instance unhealthy", () -> client.naming().getAllInstances(service, null).stream()
        .anyMatch(i -> i.sameEndpoint(first) && !i.healthy()));
    step("8. mark " + first.address() + " unhealthy", true);
    client.naming().deregisterInstance(service, null, first);
    client.naming().deregisterInstance(service, null, second);
    waitFor("instances gone", () -> client.naming().getAllInstances(service, null).isEmpty());
    step("9. deregister both instances", true);
  }

  private static void step(String what, boolean ok) {
    if (!ok) {
      throw new IllegalStateException("Lab step failed: " + what);
    }
    System.out.println("[ok] " + what);
  }

  /** Polls a condition every 100 ms until it holds or 10 s pass: server-side visibility is not instant. */
  private static void waitFor(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + VISIBLE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Lab step timed out after " + VISIBLE.toSeconds() + " s: " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for: " + what, e);
      }
    }
  }

  private static String env(String name, String defaultValue) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? defaultValue : value;
  }
}
