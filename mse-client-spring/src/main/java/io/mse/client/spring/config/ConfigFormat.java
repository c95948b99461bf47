package io.mse.client.spring.config;

import java.util.Locale;
import java.util.Optional;

/**
 * The format of an imported config, which decides how its content becomes properties. Chosen once,
 * when the import is resolved, from the dataId's extension (or {@code mse.config.file-extension}),
 * and kept for every later refresh of that config.
 *
 * <ul>
 *   <li>{@link #PROPERTIES}: Spring Boot's own {@code PropertiesPropertySourceLoader} ({@code #---}
 *       separates documents, {@code \\uXXXX} escapes and any Unicode text are read alike).</li>
 *   <li>{@link #YAML}: Spring Boot's own {@code YamlPropertySourceLoader} (needs SnakeYAML on the
 *       class path, as every Boot starter has it).</li>
 *   <li>{@link #JSON}: one JSON object, flattened to the names Spring Boot gives the same document
 *       in YAML: {@code a.b} for nested objects, {@code a[0]} for array items, {@code ""} for
 *       {@code null} and for an empty array, nothing for an empty object.</li>
 * </ul>
 */
public enum ConfigFormat {

  /** Java properties. */
  PROPERTIES("properties"),
  /** YAML, one or more documents. */
  YAML("yaml", "yml"),
  /** A JSON object. */
  JSON("json");

  private final String[] extensions;

  ConfigFormat(String... extensions) {
    this.extensions = extensions;
  }

  /**
   * Returns the format of a file extension ({@code properties}, {@code yaml}, {@code yml},
   * {@code json}, in any case, without the dot), or empty for any other.
   */
  public static Optional<ConfigFormat> ofExtension(String extension) {
    if (extension == null) {
      return Optional.empty();
    }
    String wanted = extension.strip().toLowerCase(Locale.ROOT);
    for (ConfigFormat format : values()) {
      for (String known : format.extensions) {
        if (known.equals(wanted)) {
          return Optional.of(format);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Returns the format a dataId's extension names ({@code orders.yaml} is YAML), or empty when the
   * dataId has no extension or one of no known format ({@code com.example.orders}).
   */
  public static Optional<ConfigFormat> ofDataId(String dataId) {
    int dot = dataId.lastIndexOf('.');
    return dot < 0 ? Optional.empty() : ofExtension(dataId.substring(dot + 1));
  }
}
