package io.mse.client.nacos;

import io.mse.client.nacos.internal.NacosAddress;
import io.mse.client.nacos.internal.NacosEngine;
import io.mse.client.spi.Engine;
import io.mse.client.spi.EngineContext;
import io.mse.client.spi.EngineProvider;

/**
 * Makes engines for Nacos-compatible servers (self-run Nacos 1.x/2.x, managed MSE Nacos) over the
 * HTTP open API. Accepts {@code host:port[,host:port]}, {@code nacos://...}, {@code http://...} and
 * {@code https://...}, each with an optional context path. Thread-safe.
 */
public final class NacosEngineProvider implements EngineProvider {

  @Override
  public String name() {
    return "nacos";
  }

  @Override
  public boolean supports(String serverAddr) {
    return supportsAddress(serverAddr);
  }

  /** Returns whether {@code serverAddr} is a Nacos address (no I/O). */
  static boolean supportsAddress(String serverAddr) {
    return NacosAddress.looksLikeNacos(serverAddr);
  }

  @Override
  public String addressForms() {
    return "host:port[,host:port], nacos://host:port, http(s)://host:port[/contextPath]";
  }

  @Override
  public Engine create(EngineContext context) {
    return new NacosEngine(context);
  }
}
