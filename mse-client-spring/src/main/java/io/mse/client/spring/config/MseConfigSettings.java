package io.mse.client.spring.config;

import io.mse.client.MseClientConfig;
import io.mse.client.spring.MseAutoConfiguration;
import io.mse.client.spring.MseProperties;
import io.mse.client.spring.SpringCloudAlibabaAliases;
import java.util.Set;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The {@code mse.*} properties as they stand while Spring Boot processes config data, read through
 * its {@link Binder} (application files, profile-specific ones included, system properties,
 * environment variables), with Spring Cloud Alibaba's names as aliases of those not set (the table
 * and rules of {@link SpringCloudAlibabaAliases}, the same the application's Environment gets).
 *
 * @param properties the bound properties, aliases applied
 * @param applicationName {@code spring.application.name}; null when not set
 * @param aliases what the aliases supplied (names of those used, conflicts)
 */
record MseConfigSettings(MseProperties properties, String applicationName, SpringCloudAlibabaAliases.Resolved aliases) {

  /**
   * Binds the settings.
   *
   * @param binder the binder of the config-data phase
   * @param handler the bootstrap's bind handler (decryption...), or null
   * @param present the parts of Spring Cloud Alibaba on the class path, whose names are not read as aliases
   * @throws org.springframework.boot.context.properties.bind.BindException when a value cannot be
   *     converted (a bad Duration...), naming the property
   */
  static MseConfigSettings bind(Binder binder, BindHandler handler, Set<SpringCloudAlibabaAliases.Part> present) {
    MseProperties properties = binder.bind(MseProperties.PREFIX, Bindable.of(MseProperties.class), handler)
        .orElseGet(MseProperties::new);
    SpringCloudAlibabaAliases.Resolved aliases = SpringCloudAlibabaAliases.resolve(binder, handler, present);
    if (!aliases.values().isEmpty()) {
      new Binder(new MapConfigurationPropertySource(aliases.values()))
          .bind(MseProperties.PREFIX, Bindable.ofInstance(properties));
    }
    String applicationName = binder.bind("spring.application.name", Bindable.of(String.class), handler)
        .orElse(null);
    return new MseConfigSettings(properties, applicationName, aliases);
  }

  /**
   * The settings of the client the imports use (and the context then shares).
   *
   * @throws IllegalArgumentException when a value breaks its rule, naming it
   */
  MseClientConfig clientConfig() {
    return MseAutoConfiguration.clientConfig(properties, applicationName);
  }
}
