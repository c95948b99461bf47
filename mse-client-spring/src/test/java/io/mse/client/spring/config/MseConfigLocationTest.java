package io.mse.client.spring.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mse.client.spring.MseProperties;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MseConfigLocationTest {

  private final MseProperties.Config defaults = new MseProperties.Config();
  private final List<String> warnings = new ArrayList<>();

  private MseConfigLocation mse(String value) {
    return MseConfigLocation.parse("mse:" + value, "mse:", value, defaults, warnings::add);
  }

  private MseConfigLocation nacos(String value) {
    return MseConfigLocation.parse("nacos:" + value, "nacos:", value, defaults, warnings::add);
  }

  @Test
  void aBareDataIdTakesTheDefaults() {
    assertThat(mse("orders.yaml"))
        .isEqualTo(new MseConfigLocation("orders.yaml", "DEFAULT_GROUP", ConfigFormat.YAML, true, false));
  }

  @Test
  void theDefaultsComeFromMseConfig() {
    defaults.setGroup("SHARED");
    defaults.setRefreshEnabled(false);
    defaults.setFileExtension("json");

    assertThat(mse("com.example.orders"))
        .isEqualTo(new MseConfigLocation("com.example.orders", "SHARED", ConfigFormat.JSON, false, false));
    assertThat(mse("orders.properties").format()).as("a known extension wins").isEqualTo(ConfigFormat.PROPERTIES);
  }

  @Test
  void parametersOverrideTheDefaults() {
    assertThat(mse("orders.yml?group=ORDERS&refresh=false&preference=remote"))
        .isEqualTo(new MseConfigLocation("orders.yml", "ORDERS", ConfigFormat.YAML, false, true));
    assertThat(mse("orders.yml?refreshEnabled=FALSE").refresh()).isFalse();
    assertThat(mse("orders.yml?group=&refresh=").group()).as("an empty value is no value").isEqualTo("DEFAULT_GROUP");
  }

  @Test
  void springCloudAlibabasSpellingIsAccepted() {
    assertThat(nacos("/orders.yaml?group=ORDERS&refreshEnabled=false&preference=local"))
        .isEqualTo(new MseConfigLocation("orders.yaml", "ORDERS", ConfigFormat.YAML, false, false));
    assertThat(warnings).isEmpty();
  }

  @Test
  void anUnknownParameterFailsAnMseImportAndIsIgnoredWithAWarningOnANacosOne() {
    assertThatThrownBy(() -> mse("orders.yaml?grup=G")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'mse:orders.yaml?grup=G' has an unknown parameter 'grup'");

    assertThat(nacos("orders.yaml?grup=G").group()).isEqualTo("DEFAULT_GROUP");
    assertThat(warnings).singleElement().asString().contains("unknown parameter 'grup'").endsWith("it is ignored");
  }

  @Test
  void badValuesAreRejectedNamingThem() {
    assertThatThrownBy(() -> mse("orders.yaml?refresh=yes")).hasMessageContaining("refresh='yes'")
        .hasMessageContaining("true or false");
    assertThatThrownBy(() -> nacos("orders.yaml?preference=cloud")).hasMessageContaining("preference='cloud'");
    assertThatThrownBy(() -> mse("?group=G")).hasMessageContaining("'mse:?group=G' names no dataId");
    defaults.setFileExtension("xml");
    assertThatThrownBy(() -> mse("orders")).hasMessageContaining("mse.config.file-extension 'xml' is invalid");
  }
}
