package io.mse.bench.sca.app;

import io.mse.client.MseClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** On mse-client-spring: a second listener on the application's client (the refresher hands off to its own thread). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "io.mse.client.MseClient")
class MseArrivalProbe {

  @Bean
  ArrivalProbe configListenerArrivalProbe(ObjectProvider<MseClient> client) {
    return (dataId, group, onArrival) -> client.getObject().config().addListener(dataId, group, event -> onArrival.run());
  }
}
