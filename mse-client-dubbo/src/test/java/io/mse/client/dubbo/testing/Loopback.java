package io.mse.client.dubbo.testing;

import java.lang.reflect.Field;
import java.net.InetAddress;
import org.apache.dubbo.common.utils.NetUtils;

/**
 * Makes the Dubbo of this test JVM register (and connect to) 127.0.0.1, so that the tests reach only
 * loopback. Dubbo refuses a loopback address in every setting ({@code host}, {@code DUBBO_IP_TO_BIND},
 * {@code DUBBO_IP_TO_REGISTRY}) and takes the machine's first network address instead; the one way left is
 * its own cache of the local address, filled here before any Dubbo application starts. (Dubbo still binds
 * its servers to 0.0.0.0 whenever the host is a loopback one; only 127.0.0.1 is ever called.) It also
 * shortens Dubbo's graceful shutdown wait to 1 s unless {@code dubbo.service.shutdown.wait} is set.
 */
public final class Loopback {

  private static final String SHUTDOWN_WAIT = "dubbo.service.shutdown.wait";
  private static boolean done;

  private Loopback() {}

  /** Sets Dubbo's local address to 127.0.0.1 (once per JVM). */
  public static synchronized void forDubbo() {
    if (done) {
      return;
    }
    try {
      set("HOST_ADDRESS", "127.0.0.1");
      set("LOCAL_ADDRESS", InetAddress.getLoopbackAddress());
      // Dubbo waits up to a third of this (10 s by default) after unregistering a recently called service
      // before unexporting it; 1 s keeps that order and the tests short
      if (System.getProperty(SHUTDOWN_WAIT) == null) {
        System.setProperty(SHUTDOWN_WAIT, "1000");
      }
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
