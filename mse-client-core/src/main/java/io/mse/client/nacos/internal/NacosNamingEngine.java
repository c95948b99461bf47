package io.mse.client.nacos.internal;

import io.mse.client.naming.Instance;
import io.mse.client.naming.ServiceKey;
import io.mse.client.spi.EngineContext;
import io.mse.client.spi.NamingEngine;
import java.time.Duration;
import java.util.List;

/** The Nacos naming engine (v1 open API, beats, polling and UDP push). Thread-safe. */
public final class NacosNamingEngine implements NamingEngine, AutoCloseable {

  private final EngineContext context;
  private final NacosTransport transport;

  public NacosNamingEngine(EngineContext context, NacosTransport transport) {
    this.context = context;
    this.transport = transport;
  }

  @Override
  public void registerInstance(ServiceKey service, Instance instance) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public void deregisterInstance(ServiceKey service, Instance instance) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public List<Instance> getInstances(ServiceKey service, Duration timeout) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public void subscribe(ServiceKey service) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public void unsubscribe(ServiceKey service) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public void close() {}
}
