package io.mse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mse.client.spi.Md5;
import org.junit.jupiter.api.Test;

class NameRulesTest {

  @Test
  void acceptsTheNacosCharacterSet() {
    assertThat(NameRules.dataId("order-service.properties")).isEqualTo("order-service.properties");
    assertThat(NameRules.dataId("app:db_1")).isEqualTo("app:db_1");
    assertThat(NameRules.group(null)).isEqualTo("DEFAULT_GROUP");
    assertThat(NameRules.group(" ")).isEqualTo("DEFAULT_GROUP");
    assertThat(NameRules.namespace("public")).isEmpty();
    assertThat(NameRules.namespace(null)).isEmpty();
    assertThat(NameRules.namespace("dev-ns")).isEqualTo("dev-ns");
  }

  @Test
  void rejectsWithTheValueAndTheRule() {
    assertThatThrownBy(() -> NameRules.dataId("a b")).hasMessage(
        "dataId 'a b' is invalid: only ASCII letters, digits and '_', '-', '.', ':' are allowed");
    assertThatThrownBy(() -> NameRules.dataId("x".repeat(257))).hasMessageContaining("at most 255");
    assertThatThrownBy(() -> NameRules.group("g/1")).hasMessageContaining("group 'g/1'");
    assertThatThrownBy(() -> NameRules.namespace("dev ns")).hasMessageContaining("namespace 'dev ns'");
    assertThatThrownBy(() -> NameRules.port(65536)).hasMessageContaining("port 65536");
    assertThatThrownBy(() -> NameRules.weight(Double.NaN)).hasMessageContaining("weight NaN");
    assertThatThrownBy(() -> NameRules.ip("10.0.0.1 ")).hasMessageContaining("ip '10.0.0.1 '");
    assertThatThrownBy(() -> NameRules.ip("[::1]")).hasMessageContaining("without brackets");
    assertThatThrownBy(() -> NameRules.dataId("app½")).hasMessageContaining("dataId 'app½'");
  }

  /** The limits of the servers' ParamCheckRule (2.5.1 and 3.0.3 alike), which answer 400 beyond them. */
  @Test
  void followsTheServersParameterRules() {
    assertThat(NameRules.dataId("d".repeat(255))).hasSize(255);
    assertThatThrownBy(() -> NameRules.dataId("d".repeat(256))).hasMessageContaining("at most 255");
    assertThatThrownBy(() -> NameRules.dataId("配置")).hasMessageContaining("only ASCII letters");
    assertThatThrownBy(() -> NameRules.dataId("café")).hasMessageContaining("dataId 'café'");
    assertThat(NameRules.group("g".repeat(128))).hasSize(128);
    assertThatThrownBy(() -> NameRules.group("g".repeat(129))).hasMessageContaining("at most 128");
    assertThat(NameRules.namespace("n".repeat(64))).hasSize(64);
    assertThatThrownBy(() -> NameRules.namespace("n".repeat(65))).hasMessageContaining("at most 64");
    assertThatThrownBy(() -> NameRules.namespace("dev.ns")).hasMessageContaining("namespace 'dev.ns'");
    assertThat(NameRules.cluster("c".repeat(64))).hasSize(64);
    assertThatThrownBy(() -> NameRules.cluster("c".repeat(65))).hasMessageContaining("at most 64");
    assertThatThrownBy(() -> NameRules.cluster("a.b")).hasMessage(
        "clusterName 'a.b' is invalid: only ASCII letters, digits, '_' and '-' are allowed");
    assertThat(NameRules.service("s".repeat(512))).hasSize(512);
    assertThatThrownBy(() -> NameRules.service("s".repeat(513))).hasMessageContaining("at most 512");
    assertThat(NameRules.service("café٣")).isEqualTo("café٣");
    assertThatThrownBy(() -> NameRules.service("订单")).hasMessageContaining("not CJK ideographs");
    assertThatThrownBy(() -> NameRules.service("a@@b")).hasMessageContaining("'@@'");
    assertThat(NameRules.ip("h".repeat(128))).hasSize(128);
    assertThatThrownBy(() -> NameRules.ip("h".repeat(129))).hasMessageContaining("at most 128");
  }

  @Test
  void metadataCountsNonBlankKeysAndValuesAsTheServerDoes() {
    java.util.Map<String, String> full = new java.util.HashMap<>();
    full.put("k", "v".repeat(1018));
    full.put("blank", " ");
    assertThat(NameRules.metadata(full)).isSameAs(full);
    assertThat(NameRules.metadata(null)).isNull();
    full.put(" ", "");
    assertThat(NameRules.metadata(full)).isSameAs(full);
    full.put("k", "v".repeat(1019));
    assertThatThrownBy(() -> NameRules.metadata(full)).hasMessage(
        "metadata of 3 entries is invalid: its keys and values add up to 1025 characters, at most 1024 are allowed");
  }

  @Test
  void md5IsOfUtf8BytesAndEmptyForAbsentContent() {
    assertThat(Md5.of("k=v1")).isEqualTo("36ddd9a7d9fc0de63dbaaf376d7de652");
    assertThat(Md5.of("ü")).isEqualTo("c03410a5204b21cd8229ff754688d743");
    assertThat(Md5.of(null)).isEmpty();
  }
}
