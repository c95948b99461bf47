package io.mse.client.dubbo.governance;

import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.governance.Governance;
import io.mse.client.governance.GovernanceRules;
import io.mse.client.zookeeper.internal.EmbeddedZooKeeperServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.model.ApplicationModel;
import org.apache.dubbo.rpc.model.FrameworkModel;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Dubbo applications for one test (a JUnit extension: {@code @RegisterExtension final DubboApps apps
 * = DubboApps.direct();}), each in a {@link FrameworkModel} of its own (as if each were a process:
 * its own protocol servers, no in-JVM shortcut between them), on free loopback ports, with a
 * registry ({@code zookeeper://...}) or none (direct URLs); and each application's mse governance,
 * from an {@link MseClient} on the embedded engine whose rule document the test publishes. After
 * each test every framework is destroyed and every client closed.
 */
final class DubboApps implements BeforeEachCallback, AfterEachCallback {

  static final String HOST = "127.0.0.1";
  private static final AtomicInteger NAMES = new AtomicInteger();

  static {
    Loopback.force();
  }


  private final boolean withRegistry;
  private String registry;
  private Path snapshots;
  private final Deque<AutoCloseable> closing = new ArrayDeque<>();

  private DubboApps(boolean withRegistry) {
    this.withRegistry = withRegistry;
  }

  /** Applications without a registry: consumers reach providers by direct URLs. */
  static DubboApps direct() {
    return new DubboApps(false);
  }

  /**
   * Applications registering with Dubbo's ZooKeeper registry on the embedded ZooKeeper server the
   * clients use, so that each invoker carries the parameters its provider registered.
   */
  static DubboApps withRegistry() {
    return new DubboApps(true);
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    snapshots = Files.createTempDirectory("mse-dubbo-test");
    closing.push(() -> deleteTree(snapshots));
    if (withRegistry) {
      // a client keeps the JVM's embedded ZooKeeper server up for the whole test
      closing.push(MseClient.builder().serverAddr("embedded").snapshotDir(snapshots.resolve("anchor")).build());
      registry = "zookeeper://" + EmbeddedZooKeeperServers.find(null).orElseThrow().connectString();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  /** Returns a name no other test of this JVM uses, so rule documents never collide. */
  static String unique(String name) {
    return name + "-" + NAMES.incrementAndGet();
  }

  /** One application; configure its services and references, then {@link #start()} it. */
  final class App {
    final String name;
    final FrameworkModel framework = new FrameworkModel();
    final DubboBootstrap bootstrap = DubboBootstrap.newInstance(framework);
    final String protocol;
    final ProtocolConfig protocolConfig;
    int port;
    MseClient client;

    private App(String name, String protocol) {
      this.name = name;
      this.protocol = protocol;
      closing.push(framework::destroy);
      ApplicationConfig application = new ApplicationConfig(name);
      application.setQosEnable(false);
      application.setRegisterMode("interface");
      bootstrap.application(application);
      RegistryConfig r = new RegistryConfig(registry == null ? RegistryConfig.NO_AVAILABLE : registry);
      r.setUseAsConfigCenter(false);
      r.setUseAsMetadataCenter(false);
      bootstrap.registry(r);
      port = freePort();
      protocolConfig = new ProtocolConfig(protocol, port);
      protocolConfig.setHost(HOST);
      bootstrap.protocol(protocolConfig);
    }

    ApplicationModel model() {
      return bootstrap.getApplicationModel();
    }

    /** Exports {@code impl} (started by {@link #start()}). */
    <T> App serve(Class<T> type, T impl, Consumer<ServiceConfig<T>> customize) {
      ServiceConfig<T> service = new ServiceConfig<>();
      service.setInterface(type);
      service.setRef(impl);
      customize.accept(service);
      bootstrap.service(service);
      return this;
    }

    /** Adds a reference (usable after {@link #start()}): synchronous, remote, Dubbo's retries as configured. */
    <T> ReferenceConfig<T> refer(Class<T> type, Consumer<ReferenceConfig<T>> customize) {
      ReferenceConfig<T> reference = new ReferenceConfig<>();
      reference.setInterface(type);
      reference.setScope("remote");
      reference.setCheck(false);
      reference.setTimeout(5_000);
      reference.setParameters(new java.util.HashMap<>(Map.of("migration.step", "FORCE_INTERFACE")));
      customize.accept(reference);
      bootstrap.reference(reference);
      return reference;
    }

    /** Gives this application an mse governance (its own client on the embedded engine), installed at once. */
    App governed() {
      client = MseClient.builder().serverAddr("embedded").applicationName(name)
          .snapshotDir(snapshots.resolve(name)).build();
      closing.push(client);
      MseDubboGovernance.install(model(), client.governance());
      return this;
    }

    /** Publishes this application's rule document and waits until its governance applies it. */
    App rules(String json) {
      GovernanceRules expected = GovernanceRules.parse(json);
      client.config().publishConfig(name + Governance.APPLICATION_DATA_ID_SUFFIX, Governance.RULES_GROUP, json);
      await().atMost(Duration.ofSeconds(10)).until(() -> client.governance().rules().equals(expected));
      return this;
    }

    App start() {
      bootstrap.start();
      return this;
    }

    /** Returns a direct URL of this application's service {@code type}. */
    String url(Class<?> type) {
      return protocol + "://" + HOST + ":" + port + "/" + type.getName();
    }
  }

  /** Returns a new application speaking {@code protocol} ({@code tri} or {@code dubbo}). */
  App app(String name, String protocol) {
    return new App(unique(name), protocol);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void close() {
    RuntimeException first = null;
    while (!closing.isEmpty()) {
      try {
        closing.pop().close();
      } catch (Exception e) {
        if (first == null) {
          first = new IllegalStateException("could not close a test application", e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
