package io.mse.client.spring.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.PropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Profiles;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.util.ClassUtils;

/**
 * Turns a config's content into the one flat property map of its property source: Spring Boot's own
 * loaders for properties and YAML, a flattening of the same rules for JSON. A content of several
 * documents ({@code ---} in YAML, {@code #---} in properties) becomes one map in which a later
 * document wins; a document with {@code spring.config.activate.on-profile} counts only when its
 * expression matches the accepted profiles, and one with any other activation condition is left
 * out. Stateless and thread-safe.
 */
final class ConfigContentParser {

  static final String ACTIVATE_PREFIX = "spring.config.activate.";
  private static final String ON_PROFILE = ACTIVATE_PREFIX + "on-profile";
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private ConfigContentParser() {}

  /**
   * Parses a config.
   *
   * @param format the config's format
   * @param content the content; blank means no property
   * @param description what the config is, for origins and error messages
   * @param profiles the accepted profiles, against which documents' {@code on-profile} are matched
   * @param warnings receives one sentence for each document left out for an activation condition
   *     other than {@code on-profile}
   * @return the properties, in the order of the content, values as the loaders give them (possibly
   *     {@link OriginTrackedValue}s); unmodifiable
   * @throws InvalidConfigContentException when the content is not valid in its format, naming the
   *     config and the parser's reason
   */
  static Map<String, Object> parse(ConfigFormat format, String content, String description,
      Collection<String> profiles, Consumer<String> warnings) {
    if (content == null || content.isBlank()) {
      return Map.of();
    }
    List<Map<String, Object>> documents;
    try {
      documents = switch (format) {
        case PROPERTIES -> load(new PropertiesPropertySourceLoader(), latin1Escaped(content), description);
        case YAML -> load(yamlLoader(description), content.getBytes(StandardCharsets.UTF_8), description);
        case JSON -> List.of(json(content, description));
      };
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidConfigContentException invalid) {
        throw invalid;
      }
      throw new InvalidConfigContentException(description + " is not valid " + format + ": " + e.getMessage(), e);
    }
    Map<String, Object> merged = new LinkedHashMap<>();
    for (int i = 0; i < documents.size(); i++) {
      Map<String, Object> document = documents.get(i);
      if (hasOtherCondition(document)) {
        warnings.accept(description + ": document #" + i + " is left out: of the activation conditions ("
            + ACTIVATE_PREFIX + "*), an imported config supports on-profile only");
      } else if (active(document, profiles)) {
        document.forEach((name, value) -> {
          if (!name.startsWith(ACTIVATE_PREFIX)) {
            merged.remove(name); // a later document's value also takes the later place
            merged.put(name, value);
          }
        });
      }
    }
    return Collections.unmodifiableMap(merged);
  }

  /** Returns the value without its origin, for comparisons. */
  static Object plain(Object value) {
    return value instanceof OriginTrackedValue tracked ? tracked.getValue() : value;
  }

  private static PropertySourceLoader yamlLoader(String description) {
    if (!ClassUtils.isPresent("org.yaml.snakeyaml.Yaml", ConfigContentParser.class.getClassLoader())) {
      throw new InvalidConfigContentException(description + " is YAML, but SnakeYAML is not on the class path:"
          + " add org.yaml:snakeyaml (every Spring Boot starter brings it)", null);
    }
    return new YamlPropertySourceLoader();
  }

  private static List<Map<String, Object>> load(PropertySourceLoader loader, byte[] bytes, String description)
      throws IOException {
    List<Map<String, Object>> documents = new ArrayList<>();
    for (PropertySource<?> document : loader.load(description, new ByteArrayResource(bytes, description))) {
      Map<String, Object> map = new LinkedHashMap<>();
      EnumerablePropertySource<?> enumerable = (EnumerablePropertySource<?>) document;
      for (String name : enumerable.getPropertyNames()) {
        map.put(name, ((Map<?, ?>) enumerable.getSource()).get(name));
      }
      documents.add(map);
    }
    return documents;
  }

  /**
   * Spring Boot reads properties as ISO-8859-1 (as {@link java.util.Properties} does), while a
   * config's content is text: characters outside Latin-1 are written as {@code \\uXXXX} escapes,
   * which the loader turns back into the same characters.
   */
  static byte[] latin1Escaped(String content) {
    StringBuilder out = new StringBuilder(content.length() + 16);
    for (int i = 0; i < content.length(); i++) {
      char c = content.charAt(i);
      if (c <= 0xFF) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static Map<String, Object> json(String content, String description) {
    JsonNode root;
    try {
      root = JSON.readTree(content);
    } catch (JsonProcessingException e) {
      String reason = e.getOriginalMessage().replaceAll("\\[Source: .*?; line: (\\d+), column: (\\d+)\\]",
          "line $1, column $2");
      throw new InvalidConfigContentException(description + " is not valid JSON: " + reason
          + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidConfigContentException(description + " is not valid JSON for properties: its top level"
          + " must be an object, not " + (root == null ? "empty" : root.getNodeType().toString().toLowerCase(Locale.ROOT)), null);
    }
    Map<String, Object> flat = new LinkedHashMap<>();
    flatten(null, root, flat);
    return flat;
  }

  /** The rules of Spring's YAML flattening (YamlProcessor), applied to a JSON tree. */
  private static void flatten(String path, JsonNode node, Map<String, Object> out) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        String name = field.getKey();
        String key = path == null || path.isEmpty() ? name : name.startsWith("[") ? path + name : path + "." + name;
        flatten(key, field.getValue(), out);
      }
    } else if (node.isArray()) {
      if (node.isEmpty()) {
        out.put(path, "");
      }
      for (int i = 0; i < node.size(); i++) {
        flatten(path + "[" + i + "]", node.get(i), out);
      }
    } else if (node.isNull() || node.isMissingNode()) {
      out.put(path, "");
    } else if (node.isNumber()) {
      out.put(path, node.isFloatingPointNumber() ? node.doubleValue() : node.numberValue());
    } else if (node.isBoolean()) {
      out.put(path, node.booleanValue());
    } else {
      out.put(path, node.asText());
    }
  }

  private static boolean hasOtherCondition(Map<String, Object> document) {
    return document.keySet().stream().anyMatch(name -> name.startsWith(ACTIVATE_PREFIX) && !isOnProfile(name));
  }

  private static boolean isOnProfile(String name) {
    return name.equals(ON_PROFILE) || name.startsWith(ON_PROFILE + "[");
  }

  /** Whether a document's on-profile expressions (any of them) match, or it has none. */
  private static boolean active(Map<String, Object> document, Collection<String> profiles) {
    List<String> expressions = new ArrayList<>();
    document.forEach((name, value) -> {
      if (isOnProfile(name)) {
        for (String expression : String.valueOf(plain(value)).split(",")) {
          if (!expression.isBlank()) {
            expressions.add(expression.strip());
          }
        }
      }
    });
    return expressions.isEmpty() || Profiles.of(expressions.toArray(String[]::new)).matches(profiles::contains);
  }

  /** A config's content is not valid in its format; the message names the config. */
  static final class InvalidConfigContentException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    InvalidConfigContentException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
