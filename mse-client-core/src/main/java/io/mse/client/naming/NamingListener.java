package io.mse.client.naming;

import java.util.concurrent.Executor;

/**
 * Receives the instance list of a subscribed service: with the current list when subscribed, then
 * after every change. A change that lands while subscribing may arrive just before the "current
 * list" event; every event carries the full list, so the last one received is always right.
 *
 * <p>Events for one service arrive in order, one at a time, never on a network I/O thread: by
 * default on the client's notification thread, or on {@link #executor()} when that is not null. A
 * listener that throws is logged; the other listeners are still called.
 */
@FunctionalInterface
public interface NamingListener {

  /** Called with the new list; must not block for long when no {@link #executor()} is given. */
  void onEvent(NamingEvent event);

  /** Returns the executor to be called on, or {@code null} (default) for the notification thread. */
  default Executor executor() {
    return null;
  }
}
