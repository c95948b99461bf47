package io.mse.client.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mse.client.MseClient;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZooKeeperEngineProviderTest {

  private final ZooKeeperEngineProvider provider = new ZooKeeperEngineProvider();

  @Test
  void supportsZookeeperAddressesAndEmbeddedOnly() {
    assertThat(provider.supports("embedded")).isTrue();
    assertThat(provider.supports("zookeeper://zk1:2181")).isTrue();
    assertThat(provider.supports("zookeeper://")).isTrue();
    assertThat(provider.supports("127.0.0.1:8848")).isFalse();
    assertThat(provider.supports("nacos://127.0.0.1:8848")).isFalse();
    assertThat(provider.supports("Embedded2")).isFalse();
    assertThat(provider.addressForms()).contains("zookeeper://host:port").contains("embedded");
    assertThat(provider.name()).isEqualTo("zookeeper");
  }

  @Test
  void aMalformedAddressFailsTheBuildNamingTheValue(@TempDir Path snapshots) {
    assertThatThrownBy(() -> MseClient.builder().serverAddr("zookeeper://zk1:99999").snapshotDir(snapshots).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'zookeeper://zk1:99999'")
        .hasMessageContaining("port 99999 is out of range");
  }

  @Test
  void malformedEnginePropertiesFailTheBuildBeforeAnyConnection(@TempDir Path snapshots) {
    assertThatThrownBy(() -> MseClient.builder().serverAddr("zookeeper://127.0.0.1:1").snapshotDir(snapshots)
        .property(ZooKeeperEngineProvider.ROOT_PROPERTY, "mse").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zookeeper.root 'mse'");
    assertThatThrownBy(() -> MseClient.builder().serverAddr("zookeeper://127.0.0.1:1").snapshotDir(snapshots)
        .property(ZooKeeperEngineProvider.SESSION_TIMEOUT_PROPERTY, "5s").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zookeeper.sessionTimeoutMillis '5s'");
  }
}
