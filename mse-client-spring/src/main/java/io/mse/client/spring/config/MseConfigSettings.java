package io.mse.client.spring.config;

import io.mse.client.MseClientConfig;
import io.mse.client.spring.MseAutoConfiguration;
import io.mse.client.spring.MseProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;

/**
 * The {@code mse.*} properties as they stand while Spring Boot processes config data, read through
 * its {@link Binder} (application files, profile-specific ones included, system properties,
 * environment variables), with Spring Cloud Alibaba's names as aliases of those not set.
 *
 * <p>Aliases, each used only when its {@code mse.*} property is not set (then the first alias set
 * wins): {@code spring.cloud.nacos.config.server-addr} then {@code spring.cloud.nacos.server-addr}
 * for {@code mse.server-addr}; likewise {@code namespace}, {@code username}, {@code password};
 * {@code spring.cloud.nacos.config.group}, {@code .file-extension}, {@code .refresh-enabled} for
 * {@code mse.config.group}, {@code .file-extension}, {@code .refresh-enabled}.
 *
 * @param properties the bound properties, aliases applied
 * @param applicationName {@code spring.application.name}; null when not set
 * @param aliasesUsed one {@code alias -> mse.property} line per alias that supplied a value (names
 *     only, never values)
 */
record MseConfigSettings(MseProperties properties, String applicationName, List<String> aliasesUsed) {

  private static final String SCA = "spring.cloud.nacos.";
  private static final String SCA_CONFIG = SCA + "config.";

  /**
   * Binds the settings.
   *
   * @param binder the binder of the config-data phase
   * @param handler the bootstrap's bind handler (decryption...), or null
   * @param readAliases whether Spring Cloud Alibaba's names are read as aliases
   * @throws org.springframework.boot.context.properties.bind.BindException when a value cannot be
   *     converted (a bad Duration...), naming the property
   */
  static MseConfigSettings bind(Binder binder, BindHandler handler, boolean readAliases) {
    MseProperties properties = binder.bind(MseProperties.PREFIX, Bindable.of(MseProperties.class), handler)
        .orElseGet(MseProperties::new);
    List<String> used = new ArrayList<>();
    if (readAliases) {
      Aliases aliases = new Aliases(binder, handler, used);
      aliases.apply("mse.server-addr", String.class, properties::setServerAddr, SCA_CONFIG + "server-addr",
          SCA + "server-addr");
      aliases.apply("mse.namespace", String.class, properties::setNamespace, SCA_CONFIG + "namespace",
          SCA + "namespace");
      aliases.apply("mse.username", String.class, properties::setUsername, SCA_CONFIG + "username",
          SCA + "username");
      aliases.apply("mse.password", String.class, properties::setPassword, SCA_CONFIG + "password",
          SCA + "password");
      MseProperties.Config config = properties.getConfig();
      aliases.apply("mse.config.group", String.class, config::setGroup, SCA_CONFIG + "group");
      aliases.apply("mse.config.file-extension", String.class, config::setFileExtension,
          SCA_CONFIG + "file-extension");
      aliases.apply("mse.config.refresh-enabled", Boolean.class, config::setRefreshEnabled,
          SCA_CONFIG + "refresh-enabled");
    }
    String applicationName = binder.bind("spring.application.name", Bindable.of(String.class), handler)
        .orElse(null);
    return new MseConfigSettings(properties, applicationName, List.copyOf(used));
  }

  /**
   * The settings of the client the imports use (and the context then shares).
   *
   * @throws IllegalArgumentException when a value breaks its rule, naming it
   */
  MseClientConfig clientConfig() {
    return MseAutoConfiguration.clientConfig(properties, applicationName);
  }

  private record Aliases(Binder binder, BindHandler handler, List<String> used) {

    <T> void apply(String property, Class<T> type, Consumer<T> setter, String... aliases) {
      if (binder.bind(property, Bindable.of(type), handler).isBound()) {
        return;
      }
      for (String alias : aliases) {
        var bound = binder.bind(alias, Bindable.of(type), handler);
        if (bound.isBound()) {
          setter.accept(bound.get());
          used.add(alias + " -> " + property);
          return;
        }
      }
    }
  }
}
