package io.mse.client.spring.config;

import io.mse.client.spring.MseProperties;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A parsed import location: {@code [optional:]mse:<dataId>[?param=value&...]}, or the same with
 * {@code nacos:} (Spring Cloud Alibaba's spelling), whose dataId may also start with {@code /}.
 *
 * <p>Parameters, on either prefix: {@code group} (default {@code mse.config.group}),
 * {@code refresh} or its Spring Cloud Alibaba name {@code refreshEnabled} ({@code true|false},
 * default {@code mse.config.refresh-enabled}), {@code preference} ({@code local|remote}, default
 * {@code local}). An empty value counts as not given. An unknown parameter fails an {@code mse:}
 * import and is ignored, with a warning, on a {@code nacos:} one (as Spring Cloud Alibaba ignores
 * it). The format comes from the dataId's extension, otherwise {@code mse.config.file-extension}.
 *
 * @param dataId the dataId, not yet checked against the naming rules
 * @param group the group, not yet checked
 * @param format the format
 * @param refresh whether the import follows changes
 * @param preferRemote whether {@code preference=remote}
 */
record MseConfigLocation(String dataId, String group, ConfigFormat format, boolean refresh, boolean preferRemote) {

  private static final String SYNTAX = "<dataId>[?group=<group>&refresh=true|false&preference=local|remote]";

  /**
   * Parses the part of a location after its prefix.
   *
   * @param location the whole location, for messages (e.g. {@code optional:mse:orders.yaml?group=G})
   * @param prefix {@code mse:} or {@code nacos:}
   * @param value what follows the prefix
   * @param defaults the {@code mse.config.*} defaults
   * @param warnings receives a sentence for each parameter ignored
   * @throws IllegalArgumentException when the location names no dataId, a parameter has a bad value,
   *     an {@code mse:} location has an unknown parameter, or {@code mse.config.file-extension} names
   *     no known format; the message quotes the location
   */
  static MseConfigLocation parse(String location, String prefix, String value, MseProperties.Config defaults,
      Consumer<String> warnings) {
    boolean lenient = !MseConfigDataLocationResolver.PREFIX.equals(prefix);
    int question = value.indexOf('?');
    String path = (question < 0 ? value : value.substring(0, question)).strip();
    if (path.startsWith("/")) {
      path = path.substring(1);
    }
    if (path.isEmpty()) {
      throw new IllegalArgumentException("spring.config.import '" + location + "' names no dataId: write "
          + prefix + SYNTAX);
    }
    String group = defaults.getGroup();
    boolean refresh = defaults.isRefreshEnabled();
    boolean preferRemote = false;
    String query = question < 0 ? "" : value.substring(question + 1);
    for (String parameter : query.split("&")) {
      if (parameter.isBlank()) {
        continue;
      }
      int equals = parameter.indexOf('=');
      String name = (equals < 0 ? parameter : parameter.substring(0, equals)).strip();
      String given = equals < 0 ? "" : parameter.substring(equals + 1).strip();
      switch (name) {
        case "group" -> group = given.isEmpty() ? group : given;
        case "refresh", "refreshEnabled" -> refresh = given.isEmpty() ? refresh : bool(location, name, given);
        case "preference" -> preferRemote = given.isEmpty() ? preferRemote : remote(location, given);
        default -> {
          String message = "spring.config.import '" + location + "' has an unknown parameter '" + name
              + "': the parameters are group, refresh (or refreshEnabled) and preference";
          if (!lenient) {
            throw new IllegalArgumentException(message);
          }
          warnings.accept(message + "; it is ignored");
        }
      }
    }
    Optional<ConfigFormat> byExtension = ConfigFormat.ofDataId(path);
    ConfigFormat format = byExtension.isPresent() ? byExtension.get()
        : ConfigFormat.ofExtension(defaults.getFileExtension()).orElseThrow(() -> new IllegalArgumentException(
            "mse.config.file-extension '" + defaults.getFileExtension() + "' is invalid: it must be one of"
                + " properties, yaml, yml, json (needed by spring.config.import '" + location + "')"));
    return new MseConfigLocation(path, group, format, refresh, preferRemote);
  }

  private static boolean bool(String location, String name, String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("spring.config.import '" + location + "' has " + name + "='"
          + value + "': it must be true or false");
    };
  }

  private static boolean remote(String location, String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "remote" -> true;
      case "local" -> false;
      default -> throw new IllegalArgumentException("spring.config.import '" + location + "' has preference='"
          + value + "': it must be local or remote");
    };
  }
}
