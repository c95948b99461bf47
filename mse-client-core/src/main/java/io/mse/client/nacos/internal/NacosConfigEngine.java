package io.mse.client.nacos.internal;

import io.mse.client.config.ConfigKey;
import io.mse.client.spi.ConfigData;
import io.mse.client.spi.ConfigEngine;
import io.mse.client.spi.EngineContext;
import java.time.Duration;

/** The Nacos config engine (v1 open API, long polling). Thread-safe. */
public final class NacosConfigEngine implements ConfigEngine, AutoCloseable {

  private final EngineContext context;
  private final NacosTransport transport;

  public NacosConfigEngine(EngineContext context, NacosTransport transport) {
    this.context = context;
    this.transport = transport;
  }

  @Override
  public ConfigData getConfig(ConfigKey key, Duration timeout) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public boolean publishConfig(ConfigKey key, String content, String type, String casMd5) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public boolean removeConfig(ConfigKey key) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public void watch(ConfigKey key, String md5) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public void unwatch(ConfigKey key) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public void close() {}
}
