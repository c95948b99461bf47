package io.mse.client.spi;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Makes daemon threads named {@code <prefix>-<n>} that log, rather than lose, an uncaught failure. */
public final class NamedThreadFactory implements ThreadFactory {

  private static final Logger LOG = LoggerFactory.getLogger(NamedThreadFactory.class);

  private final String prefix;
  private final AtomicInteger count = new AtomicInteger();

  public NamedThreadFactory(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public Thread newThread(Runnable task) {
    Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
    thread.setDaemon(true);
    thread.setUncaughtExceptionHandler((t, e) -> LOG.error("Uncaught failure on thread '{}'", t.getName(), e));
    return thread;
  }
}
