package io.mse.client.spring.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.io.ByteArrayResource;

class ConfigContentParserTest {

  private final List<String> warnings = new ArrayList<>();

  private Map<String, Object> parse(ConfigFormat format, String content, String... profiles) {
    Map<String, Object> parsed = ConfigContentParser.parse(format, content, "test config", List.of(profiles),
        warnings::add);
    Map<String, Object> plain = new LinkedHashMap<>();
    parsed.forEach((name, value) -> plain.put(name, ConfigContentParser.plain(value)));
    return plain;
  }

  @Test
  void jsonIsFlattenedToTheNamesAndValuesSpringBootGivesTheSameDocumentInYaml() throws IOException {
    // JSON is YAML: Spring Boot's own YAML loader reads the same text, and must give the same properties
    String json = """
        {"server": {"port": 8080, "ratio": 0.75, "secure": false, "name": "orders"},
         "regions": ["eu", "us"],
         "tiers": [{"max": 100, "tags": ["a"]}, {"max": 1000000000000}],
         "empty": {}, "none": [], "nothing": null,
         "dotted.key": "d", "nested": {"[bracket]": "b"}}""";

    Map<String, Object> fromJson = parse(ConfigFormat.JSON, json);

    Map<String, Object> fromYaml = new LinkedHashMap<>();
    EnumerablePropertySource<?> yaml = (EnumerablePropertySource<?>) new YamlPropertySourceLoader()
        .load("yaml", new ByteArrayResource(json.getBytes(StandardCharsets.UTF_8))).get(0);
    for (String name : yaml.getPropertyNames()) {
      fromYaml.put(name, yaml.getProperty(name));
    }
    assertThat(fromJson).isEqualTo(fromYaml);
    assertThat(fromJson).containsEntry("server.port", 8080).containsEntry("regions[1]", "us")
        .containsEntry("tiers[0].tags[0]", "a").containsEntry("tiers[1].max", 1000000000000L)
        .containsEntry("none", "").containsEntry("nothing", "").containsEntry("nested[bracket]", "b")
        .doesNotContainKey("empty");
  }

  @Test
  void jsonMustBeAnObjectWithoutDuplicateKeys() {
    assertThatThrownBy(() -> parse(ConfigFormat.JSON, "[1, 2]"))
        .hasMessageContaining("test config").hasMessageContaining("top level must be an object, not array");
    assertThatThrownBy(() -> parse(ConfigFormat.JSON, "{\"a\": 1, \"a\": 2}"))
        .hasMessageContaining("test config is not valid JSON").hasMessageContaining("Duplicate field 'a'");
  }

  @Test
  void propertiesKeepEveryUnicodeCharacterAndTheirEscapes() {
    Map<String, Object> parsed = parse(ConfigFormat.PROPERTIES,
        "greeting=\u4f60\u597d \u00e9t\u00e9 \ud83d\ude80\nescaped=\\u4f60\n# \u6ce8\u91ca\n");

    assertThat(parsed).containsEntry("greeting", "\u4f60\u597d \u00e9t\u00e9 \ud83d\ude80").containsEntry("escaped", "\u4f60")
        .hasSize(2);
  }

  @Test
  void yamlMayHoldUnicodeToo() {
    assertThat(parse(ConfigFormat.YAML, "greeting: \u4f60\u597d\n")).containsEntry("greeting", "\u4f60\u597d");
  }

  @Test
  void ofSeveralDocumentsTheLaterWins() {
    assertThat(parse(ConfigFormat.YAML, "a: 1\nb: 1\n---\nb: 2\n")).containsEntry("a", 1).containsEntry("b", 2);
    assertThat(parse(ConfigFormat.PROPERTIES, "a=1\nb=1\n#---\nb=2\n")).containsEntry("a", "1").containsEntry("b", "2");
  }

  @Test
  void aDocumentWithOnProfileCountsOnlyWhenItsExpressionMatches() {
    String yaml = "a: base\n---\nspring.config.activate.on-profile: eu | us\na: americas-or-europe\n"
        + "---\nspring.config.activate.on-profile: '!prod'\nb: not-prod\n";

    assertThat(parse(ConfigFormat.YAML, yaml, "default")).containsEntry("a", "base").containsEntry("b", "not-prod")
        .doesNotContainKey("spring.config.activate.on-profile");
    assertThat(parse(ConfigFormat.YAML, yaml, "us", "prod")).containsEntry("a", "americas-or-europe")
        .doesNotContainKey("b");
    assertThat(warnings).isEmpty();
  }

  @Test
  void aDocumentWithAnotherActivationConditionIsLeftOutWithAWarning() {
    Map<String, Object> parsed = parse(ConfigFormat.YAML,
        "a: base\n---\nspring.config.activate.on-cloud-platform: kubernetes\na: k8s\n");

    assertThat(parsed).containsEntry("a", "base").hasSize(1);
    assertThat(warnings).singleElement().asString().contains("test config: document #1 is left out")
        .contains("on-profile only");
  }

  @Test
  void blankContentHasNoProperty() {
    for (ConfigFormat format : ConfigFormat.values()) {
      assertThat(parse(format, "  \n")).as(format.name()).isEmpty();
      assertThat(parse(format, null)).as(format.name()).isEmpty();
    }
  }

  @Test
  void invalidYamlNamesTheConfig() {
    assertThatThrownBy(() -> parse(ConfigFormat.YAML, "a: [1, 2\nb: 3\n"))
        .isInstanceOf(ConfigContentParser.InvalidConfigContentException.class)
        .hasMessageStartingWith("test config is not valid YAML");
    assertThatThrownBy(() -> parse(ConfigFormat.YAML, "a: 1\na: 2\n")).hasMessageContaining("test config is not valid YAML");
  }

  @Test
  void formatsAreKnownByExtension() {
    assertThat(ConfigFormat.ofDataId("orders.yml")).contains(ConfigFormat.YAML);
    assertThat(ConfigFormat.ofDataId("orders.YAML")).contains(ConfigFormat.YAML);
    assertThat(ConfigFormat.ofDataId("orders.json")).contains(ConfigFormat.JSON);
    assertThat(ConfigFormat.ofDataId("orders.properties")).contains(ConfigFormat.PROPERTIES);
    assertThat(ConfigFormat.ofDataId("com.example.orders")).isEmpty();
    assertThat(ConfigFormat.ofDataId("orders")).isEmpty();
  }
}
