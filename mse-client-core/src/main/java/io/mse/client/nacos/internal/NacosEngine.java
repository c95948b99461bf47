package io.mse.client.nacos.internal;

import io.mse.client.spi.ConfigEngine;
import io.mse.client.spi.Engine;
import io.mse.client.spi.EngineContext;
import io.mse.client.spi.NamingEngine;

/** A Nacos engine: one transport shared by the config and naming halves. Thread-safe. */
public final class NacosEngine implements Engine {

  private final NacosTransport transport;
  private final NacosConfigEngine config;
  private final NacosNamingEngine naming;

  public NacosEngine(EngineContext context) {
    NacosAddress address = NacosAddress.parse(context.config().serverAddr(),
        context.config().property("nacos.contextPath", null));
    this.transport = new NacosTransport(address, NacosTransport.defaultClient(context.config().requestTimeout()),
        context.config().ticker());
    this.config = new NacosConfigEngine(context, transport);
    this.naming = new NacosNamingEngine(context, transport);
  }

  @Override
  public ConfigEngine config() {
    return config;
  }

  @Override
  public NamingEngine naming() {
    return naming;
  }

  @Override
  public void close() {
    try {
      naming.close();
    } finally {
      try {
        config.close();
      } finally {
        transport.close();
      }
    }
  }
}
