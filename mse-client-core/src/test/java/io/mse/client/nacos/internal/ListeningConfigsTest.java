package io.mse.client.nacos.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mse.client.config.ConfigKey;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListeningConfigsTest {

  @Test
  void encodesEntriesWithoutTenantForThePublicNamespace() {
    Map<ConfigKey, String> md5s = new LinkedHashMap<>();
    md5s.put(ConfigKey.of("demo.properties", "DEFAULT_GROUP"), "36ddd9a7d9fc0de63dbaaf376d7de652");
    md5s.put(ConfigKey.of("new.yaml", "G"), "");

    assertThat(ListeningConfigs.encode(md5s)).isEqualTo(
        "demo.properties\u0002DEFAULT_GROUP\u000236ddd9a7d9fc0de63dbaaf376d7de652\u0001new.yaml\u0002G\u0002\u0001");
  }

  @Test
  void encodesTheTenantAsFourthField() {
    assertThat(ListeningConfigs.encode(Map.of(new ConfigKey("dev-ns", "DEFAULT_GROUP", "demo.properties"), "deadbeef")))
        .isEqualTo("demo.properties\u0002DEFAULT_GROUP\u0002deadbeef\u0002dev-ns\u0001");
  }

  @Test
  void decodesTheTwoFieldAnswerOfTheTranscript() {
    assertThat(ListeningConfigs.decodeChanged("demo.properties%02DEFAULT_GROUP%01\n"))
        .containsExactly(ConfigKey.of("demo.properties", "DEFAULT_GROUP"));
  }

  @Test
  void decodesThreeFieldEntriesAsTenantKeysAndSeveralEntries() {
    assertThat(ListeningConfigs.decodeChanged(
        "demo.properties%02DEFAULT_GROUP%02dev-ns%01app%3Aa.yaml%02G%01\n"))
        .containsExactly(new ConfigKey("dev-ns", "DEFAULT_GROUP", "demo.properties"), ConfigKey.of("app:a.yaml", "G"));
  }

  @Test
  void decodesNothingFromAnEmptyAnswerAndSkipsMalformedEntries() {
    assertThat(ListeningConfigs.decodeChanged("")).isEmpty();
    assertThat(ListeningConfigs.decodeChanged("\n")).isEmpty();
    assertThat(ListeningConfigs.decodeChanged("only-one-field%01a%02b%02c%02d%01ok%02G%01"))
        .containsExactly(ConfigKey.of("ok", "G"));
  }
}
