package io.mse.client.governance.internal;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;

/**
 * Tells the failures after which a request was certainly not sent: the connection could not be made
 * ({@link ConnectException}, {@link NoRouteToHostException}) or the host not resolved
 * ({@link UnknownHostException}), the failure itself or one of its causes. Such a failure may be
 * retried even for a request that is not idempotent. Stateless; thread-safe.
 */
final class NotSent {

  private static final int MAX_CAUSES = 16;

  private NotSent() {}

  /** Returns whether {@code failure} (or one of its causes) shows the request was never sent. */
  static boolean certainly(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException) {
        return true;
      }
    }
    return false;
  }
}
