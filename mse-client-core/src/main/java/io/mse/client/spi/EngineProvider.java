package io.mse.client.spi;

/**
 * Makes engines for the server addresses it recognizes. Found with {@link java.util.ServiceLoader}:
 * list implementations in {@code META-INF/services/io.mse.client.spi.EngineProvider}. Implementations
 * need a public no-argument constructor and must be thread-safe.
 */
public interface EngineProvider {

  /** Returns a short name for messages, such as {@code "nacos"} or {@code "zookeeper"}. */
  String name();

  /**
   * Returns whether this provider makes engines for {@code serverAddr} (e.g. {@code zookeeper://...},
   * {@code embedded}, {@code host:8848}). Must not do I/O.
   */
  boolean supports(String serverAddr);

  /** Returns the address forms this provider accepts, for the error message when none matches. */
  String addressForms();

  /**
   * Makes and starts an engine.
   *
   * @throws IllegalArgumentException when the address or a setting is malformed
   * @throws io.mse.client.ServerUnavailableException when the server cannot be reached at start
   */
  Engine create(EngineContext context);
}
