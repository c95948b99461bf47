package io.mse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mse.client.testing.FakeEngineProvider;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MseClientTest {

  @Test
  void anAddressNoEngineAcceptsIsRejectedNamingItAndTheKnownForms() {
    assertThatThrownBy(() -> MseClient.builder().serverAddr("redis://localhost").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'redis://localhost'")
        .hasMessageContaining("nacos (")
        .hasMessageContaining("fake (");
  }

  @Test
  void embeddedWithoutTheZooKeeperModuleSaysWhichModuleToAdd() {
    assertThatThrownBy(() -> MseClient.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mse-client-zookeeper");
  }

  @Test
  void toStringMasksThePasswordAndSecretProperties() {
    MseClientConfig config = MseClient.builder().serverAddr("fake://x").credentials("nacos", "s3cr3t")
        .property("nacos.accessKey", "AK-SECRET").property("nacos.contextPath", "/nacos").toConfig();
    assertThat(config.toString()).doesNotContain("s3cr3t").doesNotContain("AK-SECRET").contains("******")
        .contains("username=nacos").contains("/nacos");
  }

  @Test
  void builderRejectsBadValuesAsTheyAreSet() {
    assertThatThrownBy(() -> MseClient.builder().requestTimeout(Duration.ofMillis(-1)))
        .hasMessageContaining("requestTimeout PT-0.001S");
    assertThatThrownBy(() -> MseClient.builder().serverAddr(" ")).hasMessageContaining("serverAddr ' '");
    assertThatThrownBy(() -> MseClient.builder().namespace("a/b")).hasMessageContaining("namespace 'a/b'");
    assertThatThrownBy(() -> MseClient.builder().credentials("", "x")).hasMessageContaining("username ''");
  }

  @Test
  void settingsMadeWithoutTheBuilderAreCheckedToo() {
    MseClientConfig good = MseClient.builder().serverAddr("fake://cfg").toConfig();
    assertThatThrownBy(() -> new MseClientConfig("fake://cfg", "", null, null, good.snapshotDir(), null,
        Duration.ZERO, true, null, Ticker.system(), java.util.Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestTimeout PT0S");
    assertThatThrownBy(() -> new MseClientConfig("fake://cfg", "", null, null, null, null,
        Duration.ofSeconds(1), true, null, Ticker.system(), java.util.Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("snapshotDir");
    assertThatThrownBy(() -> new MseClientConfig("fake://cfg", "", "bob", null, good.snapshotDir(), null,
        Duration.ofSeconds(1), true, null, Ticker.system(), java.util.Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("password of user 'bob'");
    assertThatThrownBy(() -> MseClient.builder().credentials("bob", null))
        .hasMessageContaining("password of user 'bob'");
  }

  @Test
  void closeClosesTheEngineAndIsIdempotent() {
    MseClient client = MseClient.builder().serverAddr("fake://close").build();
    client.close();
    client.close();
    assertThat(FakeEngineProvider.engine("close").closed()).isTrue();
    assertThat(client.isClosed()).isTrue();
    assertThatThrownBy(client::config).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(Thread::isAlive)
        .extracting(Thread::getName)
        .noneMatch(name -> name.startsWith("mse-"));
  }
}
