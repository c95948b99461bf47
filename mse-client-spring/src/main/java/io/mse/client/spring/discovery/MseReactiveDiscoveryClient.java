package io.mse.client.spring.discovery;

import java.util.Objects;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * A Spring Cloud {@link ReactiveDiscoveryClient} over {@link MseDiscoveryClient}. Thread-safe.
 *
 * <p>Each subscription reads the registry once. The reads run on Reactor's bounded-elastic
 * scheduler, since the first read of a service, and every {@link #getServices()}, may ask the
 * server; later reads of a service come from memory.
 */
public final class MseReactiveDiscoveryClient implements ReactiveDiscoveryClient {

  private final MseDiscoveryClient blocking;

  /**
   * Serves what {@code blocking} serves.
   *
   * @throws NullPointerException when {@code blocking} is null
   */
  public MseReactiveDiscoveryClient(MseDiscoveryClient blocking) {
    this.blocking = Objects.requireNonNull(blocking, "blocking");
  }

  @Override
  public String description() {
    return "reactive " + blocking.description();
  }

  /** Emits {@link MseDiscoveryClient#getInstances(String)}'s instances, or its exception as the error. */
  @Override
  public Flux<ServiceInstance> getInstances(String serviceId) {
    return Flux.defer(() -> Flux.fromIterable(blocking.getInstances(serviceId)))
        .subscribeOn(Schedulers.boundedElastic());
  }

  /** Emits {@link MseDiscoveryClient#getServices()}'s names, or its exception as the error. */
  @Override
  public Flux<String> getServices() {
    return Flux.defer(() -> Flux.fromIterable(blocking.getServices())).subscribeOn(Schedulers.boundedElastic());
  }
}
