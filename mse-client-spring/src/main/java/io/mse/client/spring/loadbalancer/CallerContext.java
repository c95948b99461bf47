package io.mse.client.spring.loadbalancer;

import io.micrometer.context.ContextSnapshotFactory;
import java.util.concurrent.Callable;
import org.springframework.util.ClassUtils;

/**
 * Carries the caller's context to the thread that sends an attempt: with Micrometer's
 * context-propagation library on the class path, every {@code ThreadLocalAccessor} registered in
 * its {@code ContextRegistry} (Spring Security's {@code SecurityContextHolder} when its accessor is
 * registered, SLF4J's MDC when {@code Slf4jThreadLocalAccessor} is, Micrometer Tracing's
 * observation scope, mse-client's tag...) is captured on the caller's thread and set around the
 * attempt on the sending thread, then restored there (as Spring's
 * {@code ContextPropagatingTaskDecorator} does). Without the library nothing is carried. Stateless.
 */
final class CallerContext {

  private static final boolean PRESENT = ClassUtils.isPresent("io.micrometer.context.ContextSnapshotFactory",
      CallerContext.class.getClassLoader());

  private CallerContext() {}

  /** Whether thread-locals are carried (context-propagation is on the class path). */
  static boolean propagates() {
    return PRESENT;
  }

  /**
   * Captures the calling thread's context now and returns {@code task} run within it; {@code task}
   * itself when nothing is carried.
   */
  static <T> Callable<T> capturedAround(Callable<T> task) {
    return PRESENT ? Micrometer.wrap(task) : task;
  }

  /** Loaded only where context-propagation is present. */
  private static final class Micrometer {
    private static final ContextSnapshotFactory SNAPSHOTS = ContextSnapshotFactory.builder().build();

    static <T> Callable<T> wrap(Callable<T> task) {
      return SNAPSHOTS.captureAll().wrap(task);
    }
  }
}
