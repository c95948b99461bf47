package io.mse.client.testing;

import io.mse.client.spi.Engine;
import io.mse.client.spi.EngineContext;
import io.mse.client.spi.EngineProvider;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Provides {@link FakeEngine}s for addresses {@code fake://<name>}; tests fetch them by name. */
public final class FakeEngineProvider implements EngineProvider {

  private static final Map<String, FakeEngine> ENGINES = new ConcurrentHashMap<>();

  /** Returns the engine most recently made for {@code fake://<name>}. */
  public static FakeEngine engine(String name) {
    return ENGINES.get(name);
  }

  @Override
  public String name() {
    return "fake";
  }

  @Override
  public boolean supports(String serverAddr) {
    return serverAddr.startsWith("fake://");
  }

  @Override
  public String addressForms() {
    return "fake://name";
  }

  @Override
  public Engine create(EngineContext context) {
    FakeEngine engine = new FakeEngine(context);
    ENGINES.put(context.config().serverAddr().substring("fake://".length()), engine);
    return engine;
  }
}
