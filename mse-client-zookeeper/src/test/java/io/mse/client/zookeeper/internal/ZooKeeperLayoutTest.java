package io.mse.client.zookeeper.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mse.client.config.ConfigKey;
import io.mse.client.naming.Instance;
import io.mse.client.naming.ServiceKey;
import org.apache.curator.utils.PathUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ZooKeeperLayoutTest {

  private final ZooKeeperLayout layout = new ZooKeeperLayout("/mse");

  @Test
  void placesConfigsAndInstancesUnderTheRootWithThePublicNamespaceSpelledOut() {
    assertThat(layout.config(new ConfigKey("", "DEFAULT_GROUP", "app.properties")))
        .isEqualTo("/mse/public/config/DEFAULT_GROUP/app.properties");
    assertThat(layout.config(new ConfigKey("dev", "g", "a:b")))
        .isEqualTo("/mse/dev/config/g/a:b");
    ServiceKey service = new ServiceKey("", "DEFAULT_GROUP", "payment");
    assertThat(layout.instance(service, Instance.of("10.0.0.1", 8080)))
        .isEqualTo("/mse/public/naming/DEFAULT_GROUP/payment/10.0.0.1#8080#DEFAULT");
    assertThat(layout.services("prod", "g")).isEqualTo("/mse/prod/naming/g");
  }

  @ParameterizedTest
  @ValueSource(strings = {".", "..", "a%b", "fe80::1%eth0#80#DEFAULT", "\uD835\uDFD8x", "plain-name_1.0", "名字"})
  void everyNameBecomesOneLegalSegmentAndBack(String name) {
    String segment = ZooKeeperLayout.segment(name);

    PathUtils.validatePath("/mse/" + segment);
    assertThat(segment).doesNotContain("/").isNotIn(".", "..");
    assertThat(ZooKeeperLayout.name(segment)).isEqualTo(name);
  }

  @Test
  void escapesOnlyWhatItMust() {
    assertThat(ZooKeeperLayout.segment("a.b:c-d_e")).isEqualTo("a.b:c-d_e");
    assertThat(ZooKeeperLayout.segment("..")).isEqualTo("%2E%2E");
    assertThat(ZooKeeperLayout.segment("a%b")).isEqualTo("a%25b");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mse", "/", "/mse/", "/a//b", "/zookeeper", "/a/../b", "/a b"})
  void rejectsARootThatIsNotAPlainAbsolutePath(String root) {
    assertThatThrownBy(() -> new ZooKeeperLayout(root))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("zookeeper.root '" + root + "'");
  }
}
