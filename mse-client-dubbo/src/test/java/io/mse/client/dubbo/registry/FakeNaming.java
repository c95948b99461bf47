package io.mse.client.dubbo.registry;

import io.mse.client.ServerUnavailableException;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingEvent;
import io.mse.client.naming.NamingListener;
import io.mse.client.naming.NamingService;
import io.mse.client.naming.ServiceKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * A registry in memory, group by group, that calls listeners as the client does: with the current list
 * when subscribed, then on every change, on the listener's executor. Reads can be made to fail.
 */
final class FakeNaming implements NamingService {

  private final Map<String, List<Instance>> lists = new TreeMap<>();
  private final Map<String, List<NamingListener>> listeners = new ConcurrentHashMap<>();
  volatile boolean unreachable;
  private final java.util.concurrent.atomic.AtomicInteger subscribeCalls = new java.util.concurrent.atomic.AtomicInteger();

  private static String key(String service, String group) {
    return group + "@@" + service;
  }

  /** Sets a service's list and tells its listeners. */
  void set(String service, String group, List<Instance> instances) {
    synchronized (lists) {
      lists.put(key(service, group), List.copyOf(instances));
    }
    tell(service, group);
  }

  /** How many times {@link #subscribe} was called. */
  int subscribeCalls() {
    return subscribeCalls.get();
  }

  int listenerCount(String service, String group) {
    return listeners.getOrDefault(key(service, group), List.of()).size();
  }

  private void tell(String service, String group) {
    List<Instance> now = getAllInstances(service, group);
    NamingEvent event = new NamingEvent(new ServiceKey("", group, service), now, now, List.of());
    for (NamingListener listener : listeners.getOrDefault(key(service, group), List.of())) {
      Executor executor = listener.executor() == null ? Runnable::run : listener.executor();
      executor.execute(() -> listener.onEvent(event));
    }
  }

  @Override
  public List<Instance> getAllInstances(String serviceName, String group) {
    if (unreachable) {
      throw new ServerUnavailableException(key(serviceName, group), "the fake registry is unreachable");
    }
    synchronized (lists) {
      return lists.getOrDefault(key(serviceName, group), List.of());
    }
  }

  @Override
  public void subscribe(String serviceName, String group, NamingListener listener) {
    subscribeCalls.incrementAndGet();
    getAllInstances(serviceName, group);
    listeners.computeIfAbsent(key(serviceName, group), k -> new CopyOnWriteArrayList<>()).add(listener);
    tell(serviceName, group);
  }

  @Override
  public void unsubscribe(String serviceName, String group, NamingListener listener) {
    listeners.getOrDefault(key(serviceName, group), new ArrayList<>()).remove(listener);
  }

  @Override
  public List<String> getServices(String group) {
    if (unreachable) {
      throw new ServerUnavailableException(group, "the fake registry is unreachable");
    }
    List<String> names = new ArrayList<>();
    synchronized (lists) {
      lists.keySet().stream().filter(k -> k.startsWith(group + "@@")).forEach(k -> names.add(k.substring(group.length() + 2)));
    }
    return names;
  }

  @Override
  public void registerInstance(String serviceName, Instance instance) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void registerInstance(String serviceName, String group, Instance instance) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void registerInstance(String serviceName, String ip, int port) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void deregisterInstance(String serviceName, Instance instance) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void deregisterInstance(String serviceName, String group, Instance instance) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void deregisterInstance(String serviceName, String ip, int port) {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<Instance> getAllInstances(String serviceName) {
    return getAllInstances(serviceName, "DEFAULT_GROUP");
  }

  @Override
  public List<Instance> selectInstances(String serviceName, String group, boolean healthy) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Instance selectOneHealthyInstance(String serviceName) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Instance selectOneHealthyInstance(String serviceName, String group) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void updateInstance(String serviceName, String group, Instance instance) {
    throw new UnsupportedOperationException();
  }
}
