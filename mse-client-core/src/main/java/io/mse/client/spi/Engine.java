package io.mse.client.spi;

import io.mse.client.ServerStatus;

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

  /**
   * Returns whether the server answers, as this engine last saw it, from memory (no request). The
   * default, for an engine that does not track it, is {@link ServerStatus#REACHABLE}.
   */
  default ServerStatus status() {
    return ServerStatus.REACHABLE;
  }

  /** Releases everything; never throws. */
  @Override
  void close();
}
