package io.mse.client.dubbo.governance;

import io.mse.client.MseClient;
import io.mse.client.MseClientConfig;
import io.mse.client.dubbo.registry.SharedClients;
import io.mse.client.governance.Governance;
import java.util.Locale;
import java.util.Objects;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.model.ApplicationModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The governance a Dubbo application gets without code when it uses an {@code mse://} registry (or
 * service discovery): made from the registry's shared {@link MseClient} ({@link SharedClients}), so that
 * the application has one client for discovery, configuration and governance, with the rules of the
 * Dubbo application's name ({@code <application>.governance.json}, group {@code MSE_GOVERNANCE}, over the
 * namespace's {@code _default.governance.json}) in the registry's namespace.
 *
 * <p>Installed when the first {@code mse://} registry or discovery of the application is made, unless a
 * governance is installed already; {@link MseDubboGovernance#install} wins over it (before: this installs
 * nothing; after: it replaces it, and the automatic one is closed). The registry URL parameter
 * {@value #ENABLED_KEY}{@code =false} turns it off. The automatic governance holds a lease on the shared
 * client and both are let go of when the application is destroyed or the governance replaced.
 *
 * <p>Stateless and thread-safe.
 */
public final class AutomaticGovernance {

  /** The registry URL parameter that turns the automatic installation off ({@code false}): {@value}. */
  public static final String ENABLED_KEY = "mse.governance";
  private static final Logger LOG = LoggerFactory.getLogger(AutomaticGovernance.class);

  /** A governance with the client lease it reads through; closing it closes both. */
  record Made(Governance governance, SharedClients.Lease lease) implements AutoCloseable {
    @Override
    public void close() {
      try {
        governance.close();
      } finally {
        lease.close();
      }
    }
  }

  private AutomaticGovernance() {}

  /**
   * Installs a governance in {@code application} from the client of {@code settings} unless one is
   * installed already or {@code registryUrl} says {@value #ENABLED_KEY}{@code =false}. A governance that
   * cannot be made (e.g. an application name the config center cannot hold as a dataId) is logged (WARN)
   * and not installed; the registry works on.
   *
   * @return true when it installed one
   * @throws IllegalArgumentException when {@value #ENABLED_KEY} is neither true nor false
   */
  public static boolean install(ApplicationModel application, URL registryUrl, MseClientConfig settings) {
    Objects.requireNonNull(application, "application");
    Objects.requireNonNull(settings, "settings");
    if (!enabled(registryUrl)) {
      return false;
    }
    String name;
    try {
      name = application.getApplicationName();
    } catch (IllegalStateException e) { // no ApplicationConfig: no rule document of its own
      name = null;
    }
    String applicationName = name;
    return GovernanceHolder.of(application).installAutomatically(() -> {
      SharedClients.Lease lease = SharedClients.acquire(settings);
      try {
        MseClient client = lease.client();
        Governance.Builder builder = Governance.builder(client.naming()).config(client.config())
            .ticker(client.settings().ticker()).configTimeout(client.settings().requestTimeout());
        if (applicationName != null && !applicationName.isBlank()) {
          builder.applicationName(applicationName);
        }
        return new Made(builder.build(), lease);
      } catch (RuntimeException e) {
        lease.close();
        LOG.warn("Could not install mse governance in Dubbo application '{}' from its mse:// registry: {}", applicationName,
            e.toString());
        return null;
      }
    });
  }

  /**
   * Reads {@value #ENABLED_KEY} (default true).
   *
   * @throws IllegalArgumentException when it is neither true nor false
   */
  static boolean enabled(URL registryUrl) {
    String value = registryUrl.getParameter(ENABLED_KEY, "true").strip().toLowerCase(Locale.ROOT);
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException("parameter " + ENABLED_KEY + "='" + registryUrl.getParameter(ENABLED_KEY)
          + "' is invalid: it is true or false");
    }
    return Boolean.parseBoolean(value);
  }
}
