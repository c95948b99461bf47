package io.mse.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NamesTest {

  @Test
  void acceptsTheNacosCharacterSet() {
    assertThat(Names.dataId("order-service.properties")).isEqualTo("order-service.properties");
    assertThat(Names.dataId("app:db_1")).isEqualTo("app:db_1");
    assertThat(Names.group(null)).isEqualTo("DEFAULT_GROUP");
    assertThat(Names.group(" ")).isEqualTo("DEFAULT_GROUP");
    assertThat(Names.namespace("public")).isEmpty();
    assertThat(Names.namespace(null)).isEmpty();
    assertThat(Names.namespace("dev-ns")).isEqualTo("dev-ns");
  }

  @Test
  void rejectsWithTheValueAndTheRule() {
    assertThatThrownBy(() -> Names.dataId("a b")).hasMessage(
        "dataId 'a b' is invalid: only ASCII letters, digits and '_', '-', '.', ':' are allowed");
    assertThatThrownBy(() -> Names.dataId("x".repeat(257))).hasMessageContaining("at most 255");
    assertThatThrownBy(() -> Names.group("g/1")).hasMessageContaining("group 'g/1'");
    assertThatThrownBy(() -> Names.namespace("dev ns")).hasMessageContaining("namespace 'dev ns'");
    assertThatThrownBy(() -> Names.port(65536)).hasMessageContaining("port 65536");
    assertThatThrownBy(() -> Names.weight(Double.NaN)).hasMessageContaining("weight NaN");
    assertThatThrownBy(() -> Names.ip("10.0.0.1 ")).hasMessageContaining("ip '10.0.0.1 '");
    assertThatThrownBy(() -> Names.ip("[::1]")).hasMessageContaining("without brackets");
    assertThatThrownBy(() -> Names.dataId("app½")).hasMessageContaining("dataId 'app½'");
  }

  /** The limits of the servers' ParamCheckRule (2.5.1 and 3.0.3 alike), which answer 400 beyond them. */
  @Test
  void followsTheServersParameterRules() {
    assertThat(Names.dataId("d".repeat(255))).hasSize(255);
    assertThatThrownBy(() -> Names.dataId("d".repeat(256))).hasMessageContaining("at most 255");
    assertThatThrownBy(() -> Names.dataId("配置")).hasMessageContaining("only ASCII letters");
    assertThatThrownBy(() -> Names.dataId("café")).hasMessageContaining("dataId 'café'");
    assertThat(Names.group("g".repeat(128))).hasSize(128);
    assertThatThrownBy(() -> Names.group("g".repeat(129))).hasMessageContaining("at most 128");
    assertThat(Names.namespace("n".repeat(64))).hasSize(64);
    assertThatThrownBy(() -> Names.namespace("n".repeat(65))).hasMessageContaining("at most 64");
    assertThatThrownBy(() -> Names.namespace("dev.ns")).hasMessageContaining("namespace 'dev.ns'");
    assertThat(Names.cluster("c".repeat(64))).hasSize(64);
    assertThatThrownBy(() -> Names.cluster("c".repeat(65))).hasMessageContaining("at most 64");
    assertThatThrownBy(() -> Names.cluster("a.b")).hasMessage(
        "clusterName 'a.b' is invalid: only ASCII letters, digits, '_' and '-' are allowed");
    assertThat(Names.service("s".repeat(512))).hasSize(512);
    assertThatThrownBy(() -> Names.service("s".repeat(513))).hasMessageContaining("at most 512");
    assertThat(Names.service("café٣")).isEqualTo("café٣");
    assertThatThrownBy(() -> Names.service("订单")).hasMessageContaining("not CJK ideographs");
    assertThatThrownBy(() -> Names.service("a@@b")).hasMessageContaining("'@@'");
    assertThat(Names.ip("h".repeat(128))).hasSize(128);
    assertThatThrownBy(() -> Names.ip("h".repeat(129))).hasMessageContaining("at most 128");
  }

  @Test
  void metadataCountsNonBlankKeysAndValuesAsTheServerDoes() {
    java.util.Map<String, String> full = new java.util.HashMap<>();
    full.put("k", "v".repeat(1018));
    full.put("blank", " ");
    assertThat(Names.metadata(full)).isSameAs(full);
    assertThat(Names.metadata(null)).isNull();
    full.put(" ", "");
    assertThat(Names.metadata(full)).isSameAs(full);
    full.put("k", "v".repeat(1019));
    assertThatThrownBy(() -> Names.metadata(full)).hasMessage(
        "metadata of 3 entries is invalid: its keys and values add up to 1025 characters, at most 1024 are allowed");
  }

  @Test
  void md5IsOfUtf8BytesAndEmptyForAbsentContent() {
    assertThat(Md5.of("k=v1")).isEqualTo("36ddd9a7d9fc0de63dbaaf376d7de652");
    assertThat(Md5.of("ü")).isEqualTo("c03410a5204b21cd8229ff754688d743");
    assertThat(Md5.of(null)).isEmpty();
  }
}
