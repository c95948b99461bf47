package io.mse.client.spi;

import io.mse.client.naming.Instance;
import io.mse.client.naming.ServiceKey;
import java.util.List;

/** Where an engine reports the instance lists of followed services. Thread-safe; never blocks on I/O. */
public interface NamingEventSink {

  /**
   * The server's current instance list of a followed service.
   *
   * @param instances the complete list (healthy or not)
   * @param authoritative true when the engine knows the list is the server's real state (a
   *     ZooKeeper read, a Nacos removal that a read confirmed); false when an empty list could come
   *     from a server fault (a Nacos poll not yet confirmed), so that push-empty protection may
   *     ignore it
   */
  void onInstances(ServiceKey service, List<Instance> instances, boolean authoritative);
}
