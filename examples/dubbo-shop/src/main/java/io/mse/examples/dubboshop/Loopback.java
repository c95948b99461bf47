package io.mse.examples.dubboshop;

import java.lang.reflect.Field;
import java.net.InetAddress;
import org.apache.dubbo.common.utils.NetUtils;

/**
 * Keeps this one-JVM demo's Dubbo on 127.0.0.1. Dubbo refuses a loopback address as the host a provider
 * registers ({@code host}, {@code DUBBO_IP_TO_REGISTRY} and {@code DUBBO_IP_TO_BIND} all reject
 * {@code 127.*}) and registers the machine's first network address instead, so the demo's calls would
 * leave loopback. The one way around is Dubbo's own cache of the local address ({@code NetUtils}'
 * {@code HOST_ADDRESS} and {@code LOCAL_ADDRESS}), set here before any application starts. An
 * application deployed across machines does not do this: it wants its network address registered.
 * (Dubbo still binds its servers to 0.0.0.0 when the host is a loopback one; only 127.0.0.1 is called.)
 */
final class Loopback {

  private static boolean done;

  private Loopback() {}

  /**
   * Sets Dubbo's local address to 127.0.0.1, once per JVM.
   *
   * @throws IllegalStateException when this Dubbo version's {@code NetUtils} has no such fields
   */
  static synchronized void forDubbo() {
    if (done) {
      return;
    }
    try {
      set("HOST_ADDRESS", "127.0.0.1");
      set("LOCAL_ADDRESS", InetAddress.getLoopbackAddress());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Dubbo's NetUtils changed: its local-address cache cannot be set", e);
    }
    done = true;
  }

  private static void set(String field, Object value) throws ReflectiveOperationException {
    Field f = NetUtils.class.getDeclaredField(field);
    f.setAccessible(true);
    f.set(null, value);
  }
}
