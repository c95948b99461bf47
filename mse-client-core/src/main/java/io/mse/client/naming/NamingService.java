package io.mse.client.naming;

import java.util.List;

/**
 * The registry, in the namespace of the client that made it.
 *
 * <p>Arguments: {@code serviceName} is non-blank, at most 512 letters, digits, {@code _ - . :},
 * without {@code @@}; {@code group} follows the dataId rule, null or blank meaning
 * {@code DEFAULT_GROUP}. Bad arguments are rejected with an {@link IllegalArgumentException} naming
 * the value before any I/O.
 *
 * <p>Reads ({@code getAllInstances}, {@code selectInstances}, {@code selectOneHealthyInstance})
 * subscribe to the service on first use, like nacos-client, and are then served from memory kept
 * fresh by the engine: no I/O, no lock, no copy. The first read of a service waits for the server at
 * most the client's request timeout; if the server cannot be reached, the last snapshot on disk is
 * used. Lists returned are unmodifiable.
 *
 * <p>Refusals: besides {@link io.mse.client.ServerUnavailableException} (no server answered), a
 * request the server answers with a refusal throws an unchecked {@link io.mse.client.MseException}
 * subtype naming the service and carrying the server's reason: an
 * {@link io.mse.client.AuthenticationException} when it refuses the credentials or their rights, a
 * {@link io.mse.client.RequestRefusedException} (with its HTTP status and reason) for any other
 * refusal, e.g. a parameter it rejects or a persistent instance into a service of ephemeral ones.
 *
 * <p>Implementations are thread-safe.
 */
public interface NamingService {

  /**
   * Registers {@code instance} in {@code serviceName} of {@code DEFAULT_GROUP}, as
   * {@link #registerInstance(String, String, Instance)} does (its start time announced).
   */
  void registerInstance(String serviceName, Instance instance);

  /**
   * Registers an instance. Registering the same ip, port and cluster again replaces it. An ephemeral
   * instance lives while this client does; a persistent one until deregistered.
   *
   * <p>The instance announces when its provider started, so that callers ramp its weight from that
   * time (warm-up): when its metadata has no {@link Instance#START_TIME_METADATA_KEY} ({@value
   * Instance#START_TIME_METADATA_KEY}), the key is added with the start time of this JVM (decimal
   * epoch milliseconds, {@code RuntimeMXBean.getStartTime()}), the same on every registration of
   * the process; a value the instance carries is kept as is (the Spring adapter writes its
   * application context's start, Dubbo its provider URL's {@code timestamp}). The rest of the
   * metadata is registered unchanged.
   *
   * @throws io.mse.client.ServerUnavailableException when the server cannot be reached (on a Nacos
   *     cluster also when every node answered that its peer refused the request it forwarded, a 400
   *     "receive invalid redirect request from peer" while the nodes' views of the cluster differ)
   * @throws io.mse.client.AuthenticationException when the server refuses the credentials or their rights
   * @throws io.mse.client.RequestRefusedException when the server refuses the instance, with its reason
   */
  void registerInstance(String serviceName, String group, Instance instance);

  /**
   * Registers a default instance ({@code Instance.of(ip, port)}) in {@code DEFAULT_GROUP}, as
   * {@link #registerInstance(String, String, Instance)} does (its start time announced).
   */
  void registerInstance(String serviceName, String ip, int port);

  /** Deregisters the instance with {@code instance}'s ip, port and cluster from {@code DEFAULT_GROUP}. */
  void deregisterInstance(String serviceName, Instance instance);

  /**
   * Deregisters the instance with {@code instance}'s ip, port and cluster; deregistering an unknown
   * instance is not an error.
   *
   * @throws io.mse.client.ServerUnavailableException when the server cannot be reached
   * @throws io.mse.client.AuthenticationException when the server refuses the credentials or their rights
   * @throws io.mse.client.RequestRefusedException when the server refuses otherwise, with its reason
   */
  void deregisterInstance(String serviceName, String group, Instance instance);

  /** Deregisters {@code ip:port} of the default cluster from {@code DEFAULT_GROUP}. */
  void deregisterInstance(String serviceName, String ip, int port);

  /**
   * Returns every instance of {@code serviceName} in {@code DEFAULT_GROUP}, healthy or not, consumers'
   * registrations (port 0) included.
   */
  List<Instance> getAllInstances(String serviceName);

  /**
   * Returns every instance of a service, healthy or not, consumers' registrations (port 0, see
   * {@link Instance#isConsumerRegistration()}) included; empty when it has none.
   *
   * @throws io.mse.client.ServerUnavailableException on the first read of a service when the server
   *     cannot be reached and no snapshot exists
   */
  List<Instance> getAllInstances(String serviceName, String group);

  /**
   * Returns the enabled, positive-weight instances whose health equals {@code healthy}; never a
   * consumer's registration (port 0), which listens nowhere.
   *
   * @throws io.mse.client.ServerUnavailableException as {@link #getAllInstances(String, String)}
   */
  List<Instance> selectInstances(String serviceName, String group, boolean healthy);

  /** Selects one healthy instance of {@code serviceName} in {@code DEFAULT_GROUP} by weight. */
  Instance selectOneHealthyInstance(String serviceName);

  /**
   * Selects one healthy, enabled instance at random with probability proportional to its weight, never
   * a consumer's registration (port 0). No allocation and O(1) (an alias table prepared once per change
   * of the list).
   *
   * @throws NoInstanceAvailableException when no instance is healthy, enabled, of positive weight and
   *     with a port
   * @throws io.mse.client.ServerUnavailableException as {@link #getAllInstances(String, String)}
   */
  Instance selectOneHealthyInstance(String serviceName, String group);

  /**
   * Subscribes a listener: it is called with the current list at once (asynchronously), then on every
   * change. Subscribing the same listener twice has no further effect.
   *
   * @throws io.mse.client.ServerUnavailableException as {@link #getAllInstances(String, String)}
   */
  void subscribe(String serviceName, String group, NamingListener listener);

  /** Removes a listener added by {@link #subscribe}; unknown listeners are ignored. */
  void unsubscribe(String serviceName, String group, NamingListener listener);

  /**
   * Changes a registered instance in place: weight, enabled, healthy (persistent instances) and
   * metadata, identified by ip, port and cluster. Its start time stays announced as in
   * {@link #registerInstance(String, String, Instance)}: metadata without
   * {@link Instance#START_TIME_METADATA_KEY} gets this JVM's start time.
   *
   * @throws UnsupportedOperationException when the engine cannot update in place
   * @throws io.mse.client.ServerUnavailableException when the server cannot be reached
   * @throws io.mse.client.AuthenticationException when the server refuses the credentials or their
   *     rights (a Nacos 3.x server updates only on its admin API, which needs the login of a user with
   *     admin rights even when its client auth is off)
   * @throws io.mse.client.RequestRefusedException when the server refuses the update, with its reason
   */
  void updateInstance(String serviceName, String group, Instance instance);

  /**
   * Returns the names of the services of {@code group} in this namespace, sorted.
   *
   * @throws io.mse.client.ServerUnavailableException when the server cannot be reached
   * @throws io.mse.client.AuthenticationException when the server refuses the credentials or their rights
   * @throws io.mse.client.RequestRefusedException when the server refuses otherwise, with its reason
   */
  List<String> getServices(String group);
}
