package io.mse.bench.sca.app;

/**
 * Notes when a config change reaches the stack's client, before it refreshes anything: mse-client's
 * config listener ({@link MseArrivalProbe}), or Spring Cloud's {@code RefreshEvent} that Spring Cloud
 * Alibaba publishes from its Nacos listener ({@link RefreshEventArrivalProbe}).
 */
public interface ArrivalProbe {

  /** Starts watching the config; {@code onArrival} runs once per change, on the notifying thread. */
  void watch(String dataId, String group, Runnable onArrival);
}
