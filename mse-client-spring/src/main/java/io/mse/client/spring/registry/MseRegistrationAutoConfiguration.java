package io.mse.client.spring.registry;

import io.mse.client.MseClient;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingService;
import io.mse.client.naming.ServiceKey;
import io.mse.client.spring.MseAutoConfiguration;
import io.mse.client.spring.MseProperties;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Registers this application in mse-client's registry when its web server has started, and
 * deregisters and drains it when the context closes, before the web server stops taking requests.
 *
 * <p>Active when Spring Cloud Commons and Spring Boot's web server support are on the class path and
 * none of {@code mse.enabled}, {@code mse.discovery.enabled}, {@code mse.discovery.register-enabled}
 * or {@code spring.cloud.service-registry.auto-registration.enabled} is false. Every bean stands back
 * when the application (or a parent context) defines its own, so a child context repeats nothing.
 */
@AutoConfiguration(after = MseAutoConfiguration.class, afterName = {
    "org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationAutoConfiguration",
    "org.springframework.cloud.client.serviceregistry.ServiceRegistryAutoConfiguration"})
@ConditionalOnClass(name = {"org.springframework.cloud.client.serviceregistry.ServiceRegistry",
    "org.springframework.boot.web.server.context.WebServerInitializedEvent"})
@ConditionalOnProperty(prefix = MseProperties.PREFIX, name = {"enabled", "discovery.enabled",
    "discovery.register-enabled"}, havingValue = "true", matchIfMissing = true)
@ConditionalOnProperty(name = "spring.cloud.service-registry.auto-registration.enabled", havingValue = "true",
    matchIfMissing = true)
@ConditionalOnBean(NamingService.class)
public class MseRegistrationAutoConfiguration {

  /** The Spring Cloud service registry over the client's registry. */
  @Bean
  @ConditionalOnMissingBean
  public MseServiceRegistry mseServiceRegistry(NamingService naming) {
    return new MseServiceRegistry(naming);
  }

  /**
   * This application's instance, from {@code mse.discovery.*}.
   *
   * @throws IllegalStateException (failing the start) when neither {@code mse.discovery.service} nor
   *     {@code spring.application.name} is set, or the network interface asked for has no address
   * @throws IllegalArgumentException (failing the start) when a value breaks a rule, naming it
   */
  @Bean
  @ConditionalOnMissingBean
  public MseRegistration mseRegistration(MseProperties properties, MseClient client, Environment environment,
      ApplicationContext context) {
    return registration(properties.getDiscovery(), client.settings().namespace(), environment,
        context.getStartupDate());
  }

  /** Registers on the web server's start (Spring Cloud Commons' auto-registration). */
  @Bean
  @ConditionalOnMissingBean
  public MseAutoServiceRegistration mseAutoServiceRegistration(ApplicationContext context,
      MseServiceRegistry serviceRegistry, ObjectProvider<AutoServiceRegistrationProperties> autoRegistration,
      MseRegistration registration) {
    return new MseAutoServiceRegistration(context, serviceRegistry, autoRegistration.getIfAvailable(), registration,
        true);
  }

  /** Deregisters and drains before the web server stops. */
  @Bean
  @ConditionalOnMissingBean
  public GracefulDeregistration mseGracefulDeregistration(MseAutoServiceRegistration registration,
      NamingService naming, MseProperties properties, ObjectProvider<InFlightRequests> inFlight) {
    return new GracefulDeregistration(registration, naming, inFlight.getIfAvailable(),
        properties.getDiscovery().getDrainTimeout(), properties.getDiscovery().getDrainPushMargin());
  }

  /**
   * Makes the registration from the properties.
   *
   * @param startupDate the start time announced under {@link Instance#START_TIME_METADATA_KEY}, epoch ms
   */
  static MseRegistration registration(MseProperties.Discovery discovery, String namespace, Environment environment,
      long startupDate) {
    String service = hasText(discovery.getService()) ? discovery.getService().strip()
        : environment.getProperty("spring.application.name", "").strip();
    if (service.isEmpty()) {
      throw new IllegalStateException("Registration needs a service name: set mse.discovery.service or"
          + " spring.application.name (or turn registration off with mse.discovery.register-enabled=false)");
    }
    new ServiceKey(namespace, discovery.getGroup(), service);   // checks the names, naming a bad one
    if (discovery.getPort() < 0 || discovery.getPort() > 65535) {
      throw new IllegalArgumentException("mse.discovery.port " + discovery.getPort() + " is invalid: it is 0 (the web"
          + " server's port) or 1 to 65535");
    }
    String host = new HostAddressChooser(discovery.getIp(), discovery.getNetworkInterface(),
        discovery.getPreferredNetworks(), discovery.getIgnoredInterfaces()).choose();
    boolean secure = discovery.getSecure() != null ? discovery.getSecure() : sslConfigured(environment);
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(Instance.START_TIME_METADATA_KEY, Long.toString(startupDate));
    metadata.putAll(discovery.getMetadata());
    MseRegistration registration = new MseRegistration(service, discovery.getGroup(), host, discovery.getPort(),
        discovery.getCluster(), discovery.getWeight(), discovery.isEphemeral(), secure, metadata);
    if (discovery.getPort() > 0) {
      registration.toInstance();   // checks weight, cluster and metadata now rather than at the web server's start
    } else {
      registration.toInstanceWithPort(1);
    }
    return registration;
  }

  private static boolean sslConfigured(Environment environment) {
    boolean configured = environment.containsProperty("server.ssl.bundle")
        || environment.containsProperty("server.ssl.key-store") || environment.containsProperty("server.ssl.certificate");
    return configured && environment.getProperty("server.ssl.enabled", Boolean.class, true);
  }

  private static boolean hasText(String value) {
    return value != null && !value.isBlank();
  }

  /** The count of a web application's requests in flight, for the drain (fed by a filter below). */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnWebApplication
  public InFlightRequests mseInFlightRequests() {
    return new InFlightRequests();
  }

  /** Counts a servlet web server's requests in flight. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(name = "jakarta.servlet.Filter")
  static class ServletInFlight {

    @Bean
    @ConditionalOnMissingBean
    InFlightRequestFilter mseInFlightRequestFilter(InFlightRequests inFlight) {
      return new InFlightRequestFilter(inFlight);
    }
  }

  /** Counts a reactive web server's requests in flight. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  @ConditionalOnClass(name = "org.springframework.web.server.WebFilter")
  static class ReactiveInFlight {

    @Bean
    @ConditionalOnMissingBean
    InFlightRequestWebFilter mseInFlightRequestWebFilter(InFlightRequests inFlight) {
      return new InFlightRequestWebFilter(inFlight);
    }
  }
}
