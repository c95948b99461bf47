package io.mse.client.spring.config;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.config.ConfigData;
import org.springframework.boot.context.config.ConfigData.Option;
import org.springframework.boot.context.config.ConfigDataLoader;
import org.springframework.boot.context.config.ConfigDataLoaderContext;
import org.springframework.boot.context.config.ConfigDataResourceNotFoundException;

/**
 * Loads an {@link MseConfigDataResource} with the client of the BootstrapRegistry: one
 * {@link MseConfigPropertySource}, which Spring Boot places by its own rules (an import wins over
 * the file that imports it; of several imports, the later wins). A refreshable import starts being
 * followed here, with no change lost between this read and the first change. Registered in
 * {@code META-INF/spring.factories}; stateless.
 *
 * <p>An imported config's own {@code spring.config.import} and {@code spring.profiles.*} are
 * ignored (as Spring Cloud Alibaba ignores them); with {@code preference=remote} its properties
 * also win over profile-specific application files.
 */
public class MseConfigDataLoader implements ConfigDataLoader<MseConfigDataResource> {

  /**
   * Loads the config.
   *
   * @throws ConfigDataResourceNotFoundException when a required config does not exist (Spring Boot
   *     reports it as "Config data resource 'mse config [dataId=..., group=..., namespace=...,
   *     server=...]' via location '...' does not exist")
   * @throws MseConfigDataUnavailableException when a required config cannot be read
   * @throws IllegalStateException when the content is not valid in its format, naming the config
   */
  @Override
  public ConfigData load(ConfigDataLoaderContext context, MseConfigDataResource resource) {
    MseConfigBootstrap bootstrap = context.getBootstrapContext().get(MseConfigBootstrap.class);
    MseConfigPropertySource source = bootstrap.load(context.getBootstrapContext(), resource);
    List<Option> options = new ArrayList<>(List.of(Option.IGNORE_IMPORTS, Option.IGNORE_PROFILES));
    if (resource.preferRemote()) {
      options.add(Option.PROFILE_SPECIFIC);
    }
    return new ConfigData(List.of(source), options.toArray(Option[]::new));
  }
}
