package io.mse.client.governance;

import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingEvent;
import io.mse.client.naming.NamingListener;
import io.mse.client.naming.NamingService;
import io.mse.client.naming.NoInstanceAvailableException;
import io.mse.client.naming.ServiceKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory registry: {@link #set} replaces a service's instances and notifies subscribers at once. */
public final class FakeNamingService implements NamingService {

  private final Map<String, List<Instance>> instances = new ConcurrentHashMap<>();
  private final Map<String, List<NamingListener>> listeners = new ConcurrentHashMap<>();
  public volatile int reads;
  /** Runs at the start of every {@code getAllInstances}, with the service name; may block. */
  public volatile java.util.function.Consumer<String> beforeRead = service -> {};
  /** Run on every read of a service's instances, e.g. to let a fake ticker advance as a slow registry would. */
  public volatile Runnable onRead = () -> { };

  public void set(String service, List<Instance> list) {
    instances.put(service, List.copyOf(list));
    for (NamingListener l : listeners.getOrDefault(service, List.of())) {
      l.onEvent(new NamingEvent(new ServiceKey("", null, service), list, List.of(), List.of()));
    }
  }

  public void set(String service, Instance... list) {
    set(service, List.of(list));
  }

  public int subscribers(String service) {
    return listeners.getOrDefault(service, List.of()).size();
  }

  @Override
  public void registerInstance(String serviceName, Instance instance) {
    registerInstance(serviceName, null, instance);
  }

  @Override
  public void registerInstance(String serviceName, String group, Instance instance) {
    List<Instance> list = new ArrayList<>(instances.getOrDefault(serviceName, List.of()));
    list.removeIf(i -> i.sameEndpoint(instance));
    list.add(instance);
    set(serviceName, list);
  }

  @Override
  public void registerInstance(String serviceName, String ip, int port) {
    registerInstance(serviceName, Instance.of(ip, port));
  }

  @Override
  public void deregisterInstance(String serviceName, Instance instance) {
    deregisterInstance(serviceName, null, instance);
  }

  @Override
  public void deregisterInstance(String serviceName, String group, Instance instance) {
    List<Instance> list = new ArrayList<>(instances.getOrDefault(serviceName, List.of()));
    list.removeIf(i -> i.sameEndpoint(instance));
    set(serviceName, list);
  }

  @Override
  public void deregisterInstance(String serviceName, String ip, int port) {
    deregisterInstance(serviceName, Instance.of(ip, port));
  }

  @Override
  public List<Instance> getAllInstances(String serviceName) {
    return getAllInstances(serviceName, null);
  }

  @Override
  public List<Instance> getAllInstances(String serviceName, String group) {
    beforeRead.accept(serviceName);
    reads++;
    onRead.run();
    return instances.getOrDefault(serviceName, List.of());
  }

  @Override
  public List<Instance> selectInstances(String serviceName, String group, boolean healthy) {
    return getAllInstances(serviceName, group).stream().filter(i -> i.healthy() == healthy).toList();
  }

  @Override
  public Instance selectOneHealthyInstance(String serviceName) {
    return selectOneHealthyInstance(serviceName, null);
  }

  @Override
  public Instance selectOneHealthyInstance(String serviceName, String group) {
    return getAllInstances(serviceName, group).stream().filter(Instance::isSelectable).findFirst()
        .orElseThrow(() -> new NoInstanceAvailableException(serviceName, "none"));
  }

  @Override
  public void subscribe(String serviceName, String group, NamingListener listener) {
    listeners.computeIfAbsent(serviceName, s -> new CopyOnWriteArrayList<>()).add(listener);
    listener.onEvent(new NamingEvent(new ServiceKey("", group, serviceName),
        instances.getOrDefault(serviceName, List.of()), List.of(), List.of()));
  }

  @Override
  public void unsubscribe(String serviceName, String group, NamingListener listener) {
    listeners.getOrDefault(serviceName, new ArrayList<>()).remove(listener);
  }

  @Override
  public void updateInstance(String serviceName, String group, Instance instance) {
    registerInstance(serviceName, group, instance);
  }

  @Override
  public List<String> getServices(String group) {
    return instances.keySet().stream().sorted().toList();
  }
}
