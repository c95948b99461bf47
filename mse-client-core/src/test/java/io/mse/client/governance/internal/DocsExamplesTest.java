package io.mse.client.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mse.client.governance.GovernanceRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The documented format and the parser agree: examples parse, and schema and parser know the same fields. */
class DocsExamplesTest {

  static final Path DOCS = Path.of("..", "docs");

  @Test
  void everyExampleDocumentParses() throws IOException {
    List<Path> examples;
    try (Stream<Path> files = Files.list(DOCS.resolve("governance-examples"))) {
      examples = files.filter(p -> p.toString().endsWith(".json")).toList();
    }
    assertThat(examples).hasSizeGreaterThanOrEqualTo(2);
    for (Path example : examples) {
      GovernanceRules rules = GovernanceRules.parse(Files.readString(example));
      assertThat(rules.version()).as(example.toString()).isEqualTo(1);
    }
  }

  @Test
  void jsonFragmentsOfTheGuideParse() throws IOException {
    Matcher blocks = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL)
        .matcher(Files.readString(DOCS.resolve("governance.md")));
    int documents = 0;
    while (blocks.find()) {
      String block = blocks.group(1).strip();
      String document = block.startsWith("\"") ? "{\"version\": 1, " + block + "}"   // a top-level member
          : block.startsWith("{ \"service\"") ? "{\"version\": 1, \"routes\": [" + block + "]}"  // a route
          : block;
      GovernanceRules.parse(document);
      documents++;
    }
    assertThat(documents).isGreaterThanOrEqualTo(2);
  }

  @Test
  void schemaAndParserAcceptTheSameFields() throws IOException {
    JsonNode schema = new ObjectMapper().readTree(DOCS.resolve("governance-rules.schema.json").toFile());
    assertThat(names(schema.get("properties"))).isEqualTo(RulesParser.FIELDS.get("document"));
    assertThat(schema.get("additionalProperties").asBoolean(true)).isFalse();
    for (var kind : RulesParser.FIELDS.entrySet()) {
      if (kind.getKey().equals("document")) {
        continue;
      }
      JsonNode definition = schema.get("$defs").get(kind.getKey());
      assertThat(definition).as("schema $defs/" + kind.getKey()).isNotNull();
      assertThat(names(definition.get("properties"))).as(kind.getKey()).isEqualTo(kind.getValue());
      assertThat(definition.get("additionalProperties").asBoolean(true)).as(kind.getKey()).isFalse();
    }
  }

  private static Set<String> names(JsonNode properties) {
    Set<String> names = new HashSet<>();
    properties.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
