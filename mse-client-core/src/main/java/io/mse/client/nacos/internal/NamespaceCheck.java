package io.mse.client.nacos.internal;

import io.mse.client.AuthenticationException;
import io.mse.client.MseException;
import io.mse.client.ServerUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detects a namespace given by its display name instead of its id, a common mistake: a client
 * configured with {@code dev} when the server knows the namespace {@code dev-ns} named {@code dev}
 * would read and write an empty, invisible tenant. The check lists the server's namespaces once, on
 * the API of the server's line ({@link NacosNamespaces}). It passes when the list cannot be read, and
 * says so at WARN when the server refused this client (Nacos 3.x lists namespaces only to a user with
 * admin rights, even when its client auth is off), at DEBUG otherwise; it is tried again later only
 * when no server could be reached. Thread-safe.
 */
final class NamespaceCheck {

  private static final Logger LOG = LoggerFactory.getLogger(NamespaceCheck.class);

  private final String namespace;
  private final NacosTransport transport;
  private final Duration timeout;
  private volatile boolean done;
  private volatile String mistake;

  /**
   * @param namespace the configured namespace id, "" for public (never checked)
   */
  NamespaceCheck(String namespace, NacosTransport transport, Duration timeout) {
    this.namespace = namespace;
    this.transport = transport;
    this.timeout = timeout;
    this.done = namespace.isEmpty();
  }

  /**
   * Checks the namespace, at most once successfully.
   *
   * @throws IllegalArgumentException when the namespace is the name of a namespace whose id differs
   *     (and no namespace has it as id); every later call throws it again
   */
  void verify() {
    String known = mistake;
    if (known != null) {
      throw new IllegalArgumentException(known);
    }
    if (done) {
      return;
    }
    synchronized (this) {
      if (done) {
        verify();
        return;
      }
      try {
        evaluate(NacosNamespaces.list(transport, timeout));
        done = true;
      } catch (ServerUnavailableException e) {
        LOG.debug("Could not check namespace '{}' yet: {}", namespace, e.getMessage());
        return;
      } catch (io.mse.client.MisconfigurationException e) {
        throw e; // the settings do not fit the server: not a reason to skip the check, and not to wait
      } catch (AuthenticationException e) {
        LOG.warn("Cannot check that namespace '{}' is an id rather than a display name: {}", namespace,
            e.getMessage());
        done = true;
        return;
      } catch (MseException e) {
        LOG.debug("Could not list the namespaces to check '{}': {}", namespace, e.getMessage());
        done = true;
        return;
      }
    }
    verify();
  }

  private void evaluate(List<NamespaceEntry> namespaces) {
    if (namespaces.stream().anyMatch(n -> n.id().equals(namespace))) {
      return;
    }
    Optional<NamespaceEntry> byName = namespaces.stream().filter(n -> n.name().equals(namespace)).findFirst();
    if (byName.isPresent()) {
      String id = byName.get().id();
      mistake = "namespace '" + namespace + "' is a name; its id is '" + (id.isEmpty() ? "" : id) + "'"
          + (id.isEmpty() ? " (the public namespace: leave the namespace unset)" : ": configure the id")
          + "; a client addresses namespaces by id";
      return;
    }
    if (namespaces.size() > 1) {
      LOG.warn("Namespace '{}' is not among the namespaces the server lists ({}); configs and instances there"
          + " are visible only to clients of the same id", namespace,
          namespaces.stream().map(n -> n.id().isEmpty() ? "public" : n.id()).toList());
    } else {
      LOG.debug("Namespace '{}' not listed (the server shows only {} namespace(s) to this client)", namespace,
          namespaces.size());
    }
  }
}
