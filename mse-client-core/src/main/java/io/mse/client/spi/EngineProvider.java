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
   * <p>Should not fail because the server is unreachable: an engine keeps connecting in the
   * background and fails requests with {@link io.mse.client.ServerUnavailableException} meanwhile,
   * so that the client can serve its snapshots.
   *
   * @throws io.mse.client.ServerUnavailableException when a local resource the engine needs (an
   *     embedded server) cannot be started
   */
  Engine create(EngineContext context);
}
