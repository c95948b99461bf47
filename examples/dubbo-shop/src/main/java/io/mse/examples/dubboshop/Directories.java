package io.mse.examples.dubboshop;

import java.util.List;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.registry.client.migration.MigrationInvoker;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.cluster.ClusterInvoker;
import org.apache.dubbo.rpc.cluster.support.wrapper.ScopeClusterInvoker;

/**
 * What a reference's Dubbo directories hold: which of Dubbo's two discovery levels its calls go
 * through and the providers there. For the demo's output only (an application has no need of it).
 * Dubbo 3 keeps both directories of a registry reference under its {@link MigrationInvoker} and, in its
 * default {@code APPLICATION_FIRST} step, calls through the application level once it holds providers.
 */
final class Directories {

  private Directories() {}

  /**
   * Returns e.g. {@code "application-level discovery (2 providers; interface level: 2)"}.
   *
   * @throws IllegalStateException when {@code reference} is not a started registry reference
   */
  static String describe(ReferenceConfig<?> reference) {
    MigrationInvoker<?> migration = migration(reference);
    return isApplicationLevel(migration)
        ? "application-level discovery (" + count(migration.getServiceDiscoveryInvoker())
            + " providers; interface level: " + count(migration.getInvoker()) + ")"
        : "interface-level discovery (" + count(migration.getInvoker()) + " providers; application level: "
            + count(migration.getServiceDiscoveryInvoker()) + ")";
  }

  /**
   * Returns the ports of the providers in the directory the reference's calls go through, in order.
   *
   * @throws IllegalStateException when {@code reference} is not a started registry reference
   */
  static List<Integer> ports(ReferenceConfig<?> reference) {
    MigrationInvoker<?> migration = migration(reference);
    ClusterInvoker<?> current = isApplicationLevel(migration) ? migration.getServiceDiscoveryInvoker()
        : migration.getInvoker();
    if (current == null || current.getDirectory() == null) {
      return List.of();
    }
    return current.getDirectory().getAllInvokers().stream().map(i -> i.getUrl().getPort()).sorted().toList();
  }

  @SuppressWarnings("deprecation") // ReferenceConfig#getInvoker: the one way to Dubbo's directories from outside
  private static MigrationInvoker<?> migration(ReferenceConfig<?> reference) {
    Invoker<?> invoker = reference.getInvoker();
    if (invoker instanceof ScopeClusterInvoker<?> scope) {
      invoker = scope.getInvoker();
    }
    if (!(invoker instanceof MigrationInvoker<?> migration)) {
      throw new IllegalStateException("not a registry reference: " + invoker);
    }
    return migration;
  }

  private static boolean isApplicationLevel(MigrationInvoker<?> migration) {
    return migration.getCurrentAvailableInvoker() != null
        && migration.getCurrentAvailableInvoker() == migration.getServiceDiscoveryInvoker();
  }

  private static String count(ClusterInvoker<?> invoker) {
    return invoker == null || invoker.getDirectory() == null ? "none"
        : String.valueOf(invoker.getDirectory().getAllInvokers().size());
  }
}
