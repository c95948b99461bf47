package io.mse.client.spi;

/**
 * A connection to one registry/config server (a Nacos-compatible server, a ZooKeeper ensemble...),
 * made by an {@link EngineProvider}. Thread-safe. {@link #close()} stops every thread and
 * connection it started and ends its ephemeral registrations; it is idempotent.
 */
public interface Engine extends AutoCloseable {

  /** Returns the config half; the same object on every call. */
  ConfigEngine config();

  /** Returns the registry half; the same object on every call. */
  NamingEngine naming();

  /** Releases everything; never throws. */
  @Override
  void close();
}
