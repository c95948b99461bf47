package io.mse.client.config;

import java.util.concurrent.Executor;

/**
 * Receives the new content of a listened config each time it really changes (its MD5 differs).
 *
 * <p>Calls for one key arrive in the order of the changes, one at a time, never on a network I/O
 * thread: by default on the client's notification thread, or on {@link #executor()} when that is
 * not null. A listener that throws is logged; the other listeners are still called.
 */
@FunctionalInterface
public interface ConfigListener {

  /** Called with the change; must not block for long when no {@link #executor()} is given. */
  void onChange(ConfigChangeEvent event);

  /**
   * Returns the executor this listener wants to be called on, or {@code null} (the default) for the
   * client's notification thread. Order per key is kept only if the executor runs tasks in order.
   */
  default Executor executor() {
    return null;
  }
}
