package io.mse.examples.dubboshop;

import static org.assertj.core.api.Assertions.assertThat;

import io.mse.client.MseClient;
import io.mse.client.governance.Governance;
import io.mse.client.testing.nacos.NacosConformance;
import io.mse.client.testing.nacos.NacosServerTarget;
import io.mse.client.testing.nacos.NacosServers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Dubbo example's one command, every step, on each real Nacos server of the build (see
 * {@link NacosServers}: 2.5.1 without auth and 3.0.3 with auth), with the credentials the demo takes from
 * {@code MSE_USERNAME} / {@code MSE_PASSWORD} and a namespace of the run's own ({@code MSE_NAMESPACE}:
 * the server does not demand that it exist), so that runs sharing a server never see each other's
 * providers. Skipped when there is no server.
 */
@NacosConformance
class DubboShopOnNacosIT {

  private final NacosServerTarget server;
  private final String namespace = "dubbo-shop-" + UUID.randomUUID().toString().substring(0, 8);

  @TempDir
  Path dir;

  DubboShopOnNacosIT(NacosServerTarget server) {
    this.server = server;
  }

  /**
   * Removes what the catalogs' Dubbo wrote into the run's namespace as any Dubbo application does (and
   * leaves there): the interface → application mapping and the provider's service definition.
   */
  @AfterEach
  void removeDubbosMetadata() {
    try (MseClient operator = server.clientBuilder(dir.resolve("cleanup")).namespace(namespace).build()) {
      operator.config().removeConfig(ProductService.SERVICE, "mapping");
      operator.config().removeConfig(ProductService.SERVICE + ":::provider:catalog", "dubbo");
    }
  }

  @Test
  void theShopRunsEveryStepOnARealNacos() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      new DubboShop(server.address(), server.username(), server.password(), namespace,
          new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
    } finally {
      System.err.println("[dubbo-shop on " + server + "]\n" + bytes.toString(StandardCharsets.UTF_8));
    }
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(out).contains("on 'mse://" + server.address() + "'")
        .contains("in namespace '" + namespace + "'");
    if (server.auth()) {
      assertThat(out).contains("as '" + server.username() + "'");
      // The build's servers have a password the output cannot hold by chance (not the username).
      if (server.password().length() > 8 && !server.username().contains(server.password())) {
        assertThat(out).doesNotContain(server.password());
      }
    }
    assertThat(out).containsPattern("shop-frontend calls through application-level discovery \\(2 providers;");
    DubboShopIT.assertEveryStep(out);

    // The demo leaves no rules behind to steer a real shop-frontend.
    try (MseClient check = server.clientBuilder(dir.resolve("check")).namespace(namespace).build()) {
      assertThat(check.config().getConfig(GovernanceSteps.RULES_DATA_ID, Governance.RULES_GROUP)).isNull();
    }
  }
}
