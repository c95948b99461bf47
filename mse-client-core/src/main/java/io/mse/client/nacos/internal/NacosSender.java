package io.mse.client.nacos.internal;

/**
 * Sends one Nacos request: {@link NacosTransport#send} in production; tests wrap it to observe or
 * hold requests. Implementations are thread-safe.
 */
@FunctionalInterface
interface NacosSender {

  /**
   * Sends a request.
   *
   * @return the first answer that is not a server fault (4xx answers are returned, not thrown)
   * @throws io.mse.client.ServerUnavailableException when no server answered within the deadline
   */
  NacosResponse send(NacosRequest request);
}
