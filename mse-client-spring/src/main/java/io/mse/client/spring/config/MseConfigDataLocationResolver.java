package io.mse.client.spring.config;

import io.mse.client.config.ConfigKey;
import io.mse.client.spring.SpringCloudAlibabaAliases;
import java.util.List;
import java.util.Set;
import org.apache.commons.logging.Log;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.context.config.ConfigDataLocation;
import org.springframework.boot.context.config.ConfigDataLocationResolver;
import org.springframework.boot.context.config.ConfigDataLocationResolverContext;
import org.springframework.boot.context.config.Profiles;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.io.ResourceLoader;

/**
 * Resolves {@code spring.config.import} locations {@code [optional:]mse:<dataId>[?group=G&refresh=true|false]}
 * (see {@link MseConfigLocation} for every parameter) and, as Spring Cloud Alibaba writes them,
 * {@code [optional:]nacos:<dataId>[?group=G&refreshEnabled=true|false&preference=local|remote]}, into
 * {@link MseConfigDataResource}s. Registered in {@code META-INF/spring.factories}.
 *
 * <p>Imports are resolved once the profiles are known (in Spring Boot's profile phase), so
 * {@code mse.*} set in profile-specific application files counts. The first import binds
 * {@code mse.*} (with Spring Cloud Alibaba's {@code spring.cloud.nacos.*} names as aliases,
 * see {@link SpringCloudAlibabaAliases}) and registers the shared client in the BootstrapRegistry (see
 * {@link MseConfigBootstrap}).
 *
 * <p>When Spring Cloud Alibaba's Nacos config is on the class path
 * ({@code com.alibaba.cloud.nacos.NacosConfigManager} or its resolver), {@code nacos:} locations
 * are left to it and its property names are not read as aliases; INFO lines say so.
 *
 * <p>Logs through Spring Boot's {@link DeferredLogFactory}: at this phase the logging system is not
 * set up yet, and the lines are written once it is. One instance per application start; not
 * thread-safe (Spring Boot resolves imports on one thread).
 */
public class MseConfigDataLocationResolver implements ConfigDataLocationResolver<MseConfigDataResource>, Ordered {

  /** The prefix of mse-client's imports. */
  public static final String PREFIX = "mse:";
  /** Spring Cloud Alibaba's prefix, read as {@link #PREFIX} when Spring Cloud Alibaba is absent. */
  public static final String NACOS_PREFIX = "nacos:";

  private final DeferredLogFactory logs;
  private final Log log;
  private final Set<SpringCloudAlibabaAliases.Part> springCloudAlibaba;
  private boolean standingBackLogged;
  private boolean aliasLogged;

  /**
   * Called by Spring Boot.
   *
   * @param logs the deferred logs of the config-data phase
   * @param resourceLoader the application's resource loader, whose class loader is searched for
   *     Spring Cloud Alibaba
   */
  public MseConfigDataLocationResolver(DeferredLogFactory logs, ResourceLoader resourceLoader) {
    this.logs = logs;
    this.log = logs.getLog(MseConfigDataLocationResolver.class);
    this.springCloudAlibaba = SpringCloudAlibabaAliases.present(resourceLoader.getClassLoader());
  }

  /** Before Spring Boot's own resolver, which takes any location. */
  @Override
  public int getOrder() {
    return 0;
  }

  /** True for {@code mse:} locations, and for {@code nacos:} ones unless Spring Cloud Alibaba is present. */
  @Override
  public boolean isResolvable(ConfigDataLocationResolverContext context, ConfigDataLocation location) {
    if (location.hasPrefix(PREFIX)) {
      return true;
    }
    if (!location.hasPrefix(NACOS_PREFIX)) {
      return false;
    }
    if (springCloudAlibaba.contains(SpringCloudAlibabaAliases.Part.CONFIG)) {
      if (!standingBackLogged) {
        standingBackLogged = true;
        log.info("Spring Cloud Alibaba's Nacos config is on the class path: mse-client leaves it the '"
            + NACOS_PREFIX + "' imports (such as '" + location + "')");
      }
      return false;
    }
    return true;
  }

  /** Nothing before the profiles are known: every import is resolved by {@link #resolveProfileSpecific}. */
  @Override
  public List<MseConfigDataResource> resolve(ConfigDataLocationResolverContext context,
      ConfigDataLocation location) {
    return List.of();
  }

  /**
   * Resolves the location into its one resource.
   *
   * @throws IllegalArgumentException when the location is malformed (no dataId, a bad parameter) or
   *     names a group or dataId that breaks the naming rules; the message quotes it
   * @throws IllegalStateException when the import is required but {@code mse.enabled=false}
   */
  @Override
  public List<MseConfigDataResource> resolveProfileSpecific(ConfigDataLocationResolverContext context,
      ConfigDataLocation location, Profiles profiles) {
    String prefix = location.hasPrefix(PREFIX) ? PREFIX : NACOS_PREFIX;
    MseConfigBootstrap bootstrap = bootstrap(context);
    MseConfigSettings settings = bootstrap.settings();
    if (!settings.properties().isEnabled()) {
      if (location.isOptional()) {
        log.info("spring.config.import '" + location + "' loads nothing: mse.enabled=false");
        return List.of();
      }
      throw new IllegalStateException("spring.config.import '" + location + "' needs mse-client, but"
          + " mse.enabled=false: enable it, remove the import or make it optional ('optional:" + prefix + "...')");
    }
    if (prefix.equals(NACOS_PREFIX) && !aliasLogged) {
      aliasLogged = true;
      log.info("spring.config.import '" + location + "' is served by mse-client: '" + NACOS_PREFIX
          + "' (Spring Cloud Alibaba's prefix) is read as '" + PREFIX + "'");
    }
    MseConfigLocation parsed = MseConfigLocation.parse(location.toString(), prefix,
        location.getNonPrefixedValue(prefix), settings.properties().getConfig(), log::warn);
    ConfigKey key;
    try {
      key = new ConfigKey(settings.properties().getNamespace(), parsed.group(), parsed.dataId());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("spring.config.import '" + location + "' is invalid: " + e.getMessage(), e);
    }
    return List.of(new MseConfigDataResource(key, parsed.format(), parsed.refresh(), parsed.preferRemote(),
        location.isOptional(), profiles.getAccepted(), settings.properties().getServerAddr()));
  }

  private MseConfigBootstrap bootstrap(ConfigDataLocationResolverContext context) {
    ConfigurableBootstrapContext bootstrap = context.getBootstrapContext();
    if (bootstrap.isRegistered(MseConfigBootstrap.class)) {
      return bootstrap.get(MseConfigBootstrap.class);
    }
    MseConfigSettings settings = MseConfigSettings.bind(context.getBinder(),
        bootstrap.getOrElse(BindHandler.class, null), springCloudAlibaba);
    settings.aliases().used().forEach(alias -> log.info(SpringCloudAlibabaAliases.usedLine(alias)));
    settings.aliases().conflicts().forEach(log::warn);
    return MseConfigBootstrap.register(bootstrap, settings, logs);
  }
}
