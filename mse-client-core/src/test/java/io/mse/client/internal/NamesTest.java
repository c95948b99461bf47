package io.mse.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NamesTest {

  @Test
  void acceptsTheNacosCharacterSet() {
    assertThat(Names.dataId("order-service.properties")).isEqualTo("order-service.properties");
    assertThat(Names.dataId("app:db_1")).isEqualTo("app:db_1");
    assertThat(Names.dataId("配置")).isEqualTo("配置");
    assertThat(Names.group(null)).isEqualTo("DEFAULT_GROUP");
    assertThat(Names.group(" ")).isEqualTo("DEFAULT_GROUP");
    assertThat(Names.namespace("public")).isEmpty();
    assertThat(Names.namespace(null)).isEmpty();
    assertThat(Names.namespace("dev-ns")).isEqualTo("dev-ns");
  }

  @Test
  void rejectsWithTheValueAndTheRule() {
    assertThatThrownBy(() -> Names.dataId("a b")).hasMessage(
        "dataId 'a b' is invalid: only letters, digits and '_', '-', '.', ':' are allowed");
    assertThatThrownBy(() -> Names.dataId("x".repeat(257))).hasMessageContaining("at most 256");
    assertThatThrownBy(() -> Names.group("g/1")).hasMessageContaining("group 'g/1'");
    assertThatThrownBy(() -> Names.namespace("dev ns")).hasMessageContaining("namespace 'dev ns'");
    assertThatThrownBy(() -> Names.port(65536)).hasMessageContaining("port 65536");
    assertThatThrownBy(() -> Names.weight(Double.NaN)).hasMessageContaining("weight NaN");
    assertThatThrownBy(() -> Names.ip("10.0.0.1 ")).hasMessageContaining("ip '10.0.0.1 '");
    assertThatThrownBy(() -> Names.ip("[::1]")).hasMessageContaining("without brackets");
    assertThatThrownBy(() -> Names.dataId("app½")).hasMessageContaining("dataId 'app½'");
    assertThat(Names.dataId("app٣")).isEqualTo("app٣");
  }

  @Test
  void md5IsOfUtf8BytesAndEmptyForAbsentContent() {
    assertThat(Md5.of("k=v1")).isEqualTo("36ddd9a7d9fc0de63dbaaf376d7de652");
    assertThat(Md5.of("ü")).isEqualTo("c03410a5204b21cd8229ff754688d743");
    assertThat(Md5.of(null)).isEmpty();
  }
}
