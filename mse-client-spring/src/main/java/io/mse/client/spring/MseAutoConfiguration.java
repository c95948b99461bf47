package io.mse.client.spring;

import io.mse.client.MseClient;
import io.mse.client.MseClientConfig;
import io.mse.client.config.ConfigService;
import io.mse.client.governance.Governance;
import io.mse.client.naming.NamingService;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Makes one {@link MseClient} from the {@code mse.*} properties, shared by everything in the
 * context and closed with it, and exposes its {@link ConfigService}, {@link NamingService} and
 * {@link Governance} as beans. Stands back entirely when {@code mse.enabled=false}; each bean
 * stands back when the application defines its own of the same type (the services then come from
 * the application's client). With {@code spring.config.import=mse:...}, the client made to load
 * the imports is already the context's bean {@code mseClient} (see
 * {@link io.mse.client.spring.config.MseConfigDataLoader}), so this one backs off and the services
 * come from that client.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = MseProperties.PREFIX, name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(MseProperties.class)
public class MseAutoConfiguration {

  /**
   * The client; started here (an unreachable server does not stop the start, see
   * {@link MseClient#create}) and closed with the context.
   *
   * @throws IllegalArgumentException (failing the start) when a property breaks its rule or no engine
   *     on the class path accepts {@code mse.server-addr}; the message names the value
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public MseClient mseClient(MseProperties properties, Environment environment) {
    return MseClient.create(clientConfig(properties, environment.getProperty("spring.application.name")));
  }

  /** The client's config center; closed with the client, not by the context. */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean
  public ConfigService mseConfigService(MseClient client) {
    return client.config();
  }

  /** The client's registry; closed with the client, not by the context. */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean
  public NamingService mseNamingService(MseClient client) {
    return client.naming();
  }

  /**
   * The client's traffic governance, reading the rules of {@code mse.application-name}; closed with
   * the client, not by the context.
   */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean
  public Governance mseGovernance(MseClient client) {
    return client.governance();
  }

  /**
   * Maps the properties onto client settings; {@code springApplicationName} (nullable) stands in for
   * an unset {@code mse.application-name}.
   *
   * @throws IllegalArgumentException when a value breaks its rule, naming it
   */
  public static MseClientConfig clientConfig(MseProperties properties, String springApplicationName) {
    MseClient.Builder builder = MseClient.builder().serverAddr(properties.getServerAddr())
        .namespace(properties.getNamespace());
    String username = properties.getUsername();
    if (username != null && !username.isBlank()) {
      builder.credentials(username, properties.getPassword() == null ? "" : properties.getPassword());
    } else if (properties.getPassword() != null && !properties.getPassword().isEmpty()) {
      throw new IllegalArgumentException("mse.password is set but mse.username is not: set both, or neither");
    }
    if (properties.getSnapshotDir() != null) {
      builder.snapshotDir(properties.getSnapshotDir());
    }
    builder.requestTimeout(properties.getRequestTimeout());
    String applicationName = hasText(properties.getApplicationName()) ? properties.getApplicationName()
        : hasText(springApplicationName) ? springApplicationName : null;
    if (applicationName != null) {
      builder.applicationName(applicationName.strip());
    }
    return builder.toConfig();
  }

  private static boolean hasText(String value) {
    return value != null && !value.isBlank();
  }
}
