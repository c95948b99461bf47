package io.mse.examples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import io.mse.client.MseClient;
import io.mse.client.governance.Governance;
import io.mse.client.nacos.NacosAdmin;
import io.mse.client.testing.nacos.NacosConformance;
import io.mse.client.testing.nacos.NacosServerTarget;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shop's one command, every step, on each real Nacos server of the build (2.5.1, and 3.0.3 with
 * auth: {@code MSE_IT_NACOS_SERVERS}), as {@code MSE_SERVER_ADDR} / {@code MSE_USERNAME} /
 * {@code MSE_PASSWORD} / {@code MSE_NAMESPACE} would run it. It runs in a namespace of its own, made
 * for the run and deleted after it, so that its fixed service names meet no other test's; afterwards
 * nothing it published or registered is left there.
 */
@NacosConformance
class SpringBootShopOnNacosIT {

  @TempDir
  Path snapshots;

  private final NacosServerTarget target;

  SpringBootShopOnNacosIT(NacosServerTarget target) {
    this.target = target;
  }

  @Test
  void shopRunsEveryStepOnARealNacos() throws Exception {
    String namespace = "spring-shop-it-" + UUID.randomUUID().toString().substring(0, 8);
    try (NacosAdmin admin = NacosAdmin.create(target.clientBuilder(snapshots.resolve("admin")).toConfig())) {
      assertThat(admin.createNamespace(namespace, namespace, "SpringBootShopOnNacosIT")).isTrue();
      try {
        ShopServer server = new ShopServer(target.address(), target.username(), target.password(), namespace);
        String out = SpringBootShopIT.run(server);

        SpringBootShopIT.ShopOutput.assertEveryStepProved(out);
        assertThat(out).startsWith("mse-client Spring Boot shop on '" + target.address() + "'"
            + (target.auth() ? " as '" + target.username() + "'" : "") + " in namespace '" + namespace + "'");
        if (target.auth() && target.password().length() > 8 && !target.username().contains(target.password())) {
          assertThat(out).doesNotContain(target.password());
        }
        try (MseClient check = target.clientBuilder(snapshots.resolve("check")).namespace(namespace).build()) {
          // a 2.x server's read may serve a removed config for a moment after the removal (its dump delay)
          org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(check.config().getConfig(SpringBootShop.SHARED_DATA_ID, SpringBootShop.SHARED_GROUP)).isNull();
            assertThat(check.config().getConfig(SpringBootShop.RULES_DATA_ID, Governance.RULES_GROUP)).isNull();
            for (String service : SpringBootShop.SERVICES) {
              assertThat(check.naming().getAllInstances(service, SpringBootShop.GROUP)).as(service).isEmpty();
            }
          });
        }
      } finally {
        admin.deleteNamespace(namespace);
      }
    }
  }
}
