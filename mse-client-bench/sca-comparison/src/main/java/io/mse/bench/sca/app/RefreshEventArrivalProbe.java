package io.mse.bench.sca.app;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.cloud.endpoint.event.RefreshEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * On Spring Cloud Alibaba: its Nacos listener publishes a {@code NacosConfigRefreshEvent}, turned at
 * once into Spring Cloud's {@link RefreshEvent}; this listener runs first (highest precedence), before
 * Spring Cloud's {@code RefreshEventListener} starts the {@code ContextRefresher}.
 */
@Component
@ConditionalOnClass(name = "com.alibaba.cloud.nacos.NacosConfigManager")
class RefreshEventArrivalProbe implements ArrivalProbe, ApplicationListener<RefreshEvent>, Ordered {

  private volatile Runnable onArrival = () -> { };

  @Override
  public void watch(String dataId, String group, Runnable onArrival) {
    this.onArrival = onArrival;
  }

  @Override
  public void onApplicationEvent(RefreshEvent event) {
    onArrival.run();
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
