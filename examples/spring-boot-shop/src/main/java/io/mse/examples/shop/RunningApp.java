package io.mse.examples.shop;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One started Spring Boot application of the shop: its context, the port its web server got, and
 * how long it took to start. Closing it closes the context: mse-client-spring deregisters the
 * instance and drains before the web server stops. Not thread-safe (the launcher's thread owns it).
 */
final class RunningApp implements AutoCloseable {

  final String name;
  final ConfigurableApplicationContext context;
  final int port;
  final long startMillis;

  private RunningApp(String name, ConfigurableApplicationContext context, long startMillis) {
    this.name = name;
    this.context = context;
    this.port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
    this.startMillis = startMillis;
  }

  /**
   * Starts {@code source} with {@code spring.config.name=shop-common,<configName>}, the server's
   * {@code --mse.*} arguments, snapshots under {@code snapshots/<name>} and {@code extra} arguments
   * ({@code --key=value}). No shutdown hook: the launcher closes what it started.
   */
  static RunningApp start(String name, Class<?> source, String configName, ShopServer server, Path snapshots,
      String... extra) {
    List<String> args = new ArrayList<>(server.applicationArguments());
    args.add("--mse.snapshot-dir=" + snapshots.resolve(name));
    args.addAll(List.of(extra));
    long start = System.nanoTime();
    ConfigurableApplicationContext context = new SpringApplicationBuilder(source)
        .properties("spring.config.name=shop-common," + configName)
        .registerShutdownHook(false)
        .run(args.toArray(String[]::new));
    return new RunningApp(name, context, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  /** Closes the context (deregistration, drain, web server stop) and returns how long it took, in ms. */
  long stop() {
    long start = System.nanoTime();
    context.close();
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  @Override
  public void close() {
    if (context.isActive()) {
      context.close();
    }
  }
}
