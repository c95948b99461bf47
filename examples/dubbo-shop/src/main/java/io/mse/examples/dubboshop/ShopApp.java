package io.mse.examples.dubboshop;

import io.mse.client.dubbo.governance.MseDubboGovernance;
import io.mse.client.dubbo.registry.ClientSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.MethodConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.model.ApplicationModel;
import org.apache.dubbo.rpc.model.FrameworkModel;

/**
 * One Dubbo application of the shop, in a {@link FrameworkModel} of its own (as if it were a process of
 * its own: its own protocol servers and clients, no in-JVM shortcut to the others), registered on the
 * {@code mse://} registry: a catalog instance serving {@link ProductService} over triple on a free
 * loopback port, or the frontend referring to it. The application is its framework's default one, as in
 * a process of its own, so {@link #close()} stops it as a JVM shutdown would: Dubbo unregisters its
 * services, stops its protocols at once, then unexports the services. Not thread-safe (the demo drives it
 * from one thread).
 */
final class ShopApp implements AutoCloseable {

  /** Application-level and interface-level registration, Dubbo 3's default. */
  static final String REGISTER_MODE = "all";

  final String name;
  /** The frontend's reference to the catalog; null for a catalog instance. */
  ReferenceConfig<ProductService> reference;
  final FrameworkModel framework = new FrameworkModel();
  /** The framework's default application, as in a process of its own (Dubbo stops the protocols with it). */
  final DubboBootstrap bootstrap = DubboBootstrap.getInstance(framework.defaultApplication());
  private boolean closed;

  private ShopApp(String name, ShopSettings settings, Path snapshots) {
    this.name = name;
    ApplicationConfig application = new ApplicationConfig(name);
    application.setQosEnable(false);
    application.setEnableFileCache(false);   // the registry keeps its own snapshots (mse.snapshot-dir)
    application.setRegisterMode(REGISTER_MODE);
    application.setProtocol("tri");   // the protocol of the application-level instance (Dubbo's default: dubbo)
    bootstrap.application(application);
    bootstrap.registry(registry(settings, snapshots));
  }

  /**
   * The one-line switch of docs/dubbo.md: {@code mse://<server>}, with the namespace and the snapshot
   * directory as parameters and the credentials as the registry's username and password (the URL's user
   * info, which Dubbo leaves out of the URLs it prints; it masks the password when it prints its
   * configuration).
   */
  private static RegistryConfig registry(ShopSettings settings, Path snapshots) {
    RegistryConfig registry = new RegistryConfig("mse://" + settings.serverAddr());
    Map<String, String> parameters = new HashMap<>();
    parameters.put(ClientSettings.SNAPSHOT_DIR, snapshots.toString());
    if (settings.namespace() != null) {
      parameters.put("namespace", settings.namespace());
    }
    registry.setParameters(parameters);
    if (settings.username() != null) {
      registry.setUsername(settings.username());
      registry.setPassword(settings.password());
    }
    return registry;
  }

  /**
   * A catalog instance: {@code catalog}'s {@link ProductService} over triple on a free loopback port,
   * registered with the label {@code release=<catalog.release()>}.
   */
  static ShopApp catalog(Catalog catalog, ShopSettings settings, Path snapshots) {
    ShopApp app = new ShopApp("catalog", settings, snapshots.resolve("catalog-" + catalog.release()));
    app.bootstrap.protocol(new ProtocolConfig("tri", freePort()));
    ServiceConfig<ProductService> service = new ServiceConfig<>();
    service.setInterface(ProductService.class);
    service.setRef(catalog);
    service.setParameters(new HashMap<>(Map.of("release", catalog.release())));
    app.bootstrap.service(service);
    return app;
  }

  /**
   * The frontend: {@code shop-frontend} referring to {@link ProductService} through the registry. Its
   * governance is installed by the {@code mse://} registry itself, from the registry's own client, with
   * the rules of {@code shop-frontend.governance.json} (mse-client's filters and router apply them to the
   * reference's calls); nothing here installs one. Its {@code checkout} tells governance that an exception
   * the method throws is a failure ({@value MseDubboGovernance#BIZ_FAILURE_KEY}); by default it counts as a
   * success, the provider having answered.
   *
   * @param migrationStep Dubbo's {@code migration.step} of the reference; null for Dubbo's default
   */
  static ShopApp frontend(ShopSettings settings, Path snapshots, String migrationStep) {
    ShopApp app = new ShopApp("shop-frontend", settings, snapshots.resolve("shop-frontend"));
    ReferenceConfig<ProductService> reference = new ReferenceConfig<>();
    reference.setInterface(ProductService.class);
    reference.setCheck(false);   // the catalogs may not be listed yet: the demo waits for them itself
    reference.setTimeout(3_000);
    if (migrationStep != null) {
      reference.setParameters(new HashMap<>(Map.of("migration.step", migrationStep)));
    }
    MethodConfig checkout = new MethodConfig();
    checkout.setName("checkout");
    checkout.setParameters(new HashMap<>(Map.of(MseDubboGovernance.BIZ_FAILURE_KEY, "true")));
    reference.setMethods(List.of(checkout));
    app.bootstrap.reference(reference);
    app.reference = reference;
    return app;
  }

  ApplicationModel model() {
    return bootstrap.getApplicationModel();
  }

  ShopApp start() {
    bootstrap.start();
    return this;
  }

  /** The port the app serves on; -1 when it serves nothing. */
  int port() {
    return bootstrap.getConfigManager().getProtocols().stream().findFirst().map(ProtocolConfig::getPort).orElse(-1);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      bootstrap.stop();
    } finally {
      framework.destroy();
      TripleStopCheck.forget(framework);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
