package io.mse.client.dubbo.governance;

import java.lang.reflect.Field;
import java.net.InetAddress;
import org.apache.dubbo.common.utils.NetUtils;

/**
 * Keeps the test JVM's Dubbo on loopback. Dubbo refuses 127.x as a provider's host and replaces it
 * (in exported URLs, registrations and even a consumer's direct URLs) by the first non-loopback
 * address it finds; tests must reach only loopback, so the address it found is set to 127.0.0.1
 * (Dubbo's own cache of it, {@code NetUtils.HOST_ADDRESS} / {@code LOCAL_ADDRESS}). Also shortens
 * Dubbo's graceful-shutdown wait, which the tests do not need.
 */
final class Loopback {

  private static boolean done;

  private Loopback() {}

  static synchronized void force() {
    if (done) {
      return;
    }
    System.setProperty("dubbo.service.shutdown.wait", "200");
    try {
      set("HOST_ADDRESS", "127.0.0.1");
      set("LOCAL_ADDRESS", InetAddress.getByName("127.0.0.1"));
    } catch (ReflectiveOperationException | java.net.UnknownHostException e) {
      throw new IllegalStateException("cannot keep Dubbo on loopback: NetUtils changed in this Dubbo version", e);
    }
    done = true;
  }

  private static void set(String field, Object value) throws ReflectiveOperationException {
    Field f = NetUtils.class.getDeclaredField(field);
    f.setAccessible(true);
    f.set(null, value);
  }
}
