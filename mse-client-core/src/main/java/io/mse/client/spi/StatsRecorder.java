package io.mse.client.spi;

import io.mse.client.ClientStats;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * Where the cache layer and the engine count what they do, read as {@link ClientStats}: one
 * {@link LongAdder} per count, so recording is an uncontended increment and reading allocates
 * nothing. One per client, made by it and handed to the engine in its {@link EngineContext}. The
 * two gauges are read from the caches through suppliers the client sets once. Thread-safe.
 */
public final class StatsRecorder implements ClientStats {

  private final LongAdder configSnapshotReads = new LongAdder();
  private final LongAdder serviceSnapshotReads = new LongAdder();
  private final LongAdder longPolls = new LongAdder();
  private final LongAdder longPollNanos = new LongAdder();
  private final LongAdder configChanges = new LongAdder();
  private final LongAdder serviceChanges = new LongAdder();
  private final LongAdder pushesReceived = new LongAdder();
  private final LongAdder pushesAcked = new LongAdder();
  private final Map<PushIgnored, LongAdder> pushesIgnored = adders(PushIgnored.class);
  private final LongAdder failovers = new LongAdder();
  private final LongAdder logins = new LongAdder();
  private final Map<TokenRenewal, LongAdder> renewals = adders(TokenRenewal.class);
  private final Map<RequestOutcome, LongAdder> requests = adders(RequestOutcome.class);
  private volatile IntSupplier configsListened = () -> 0;
  private volatile IntSupplier servicesSubscribed = () -> 0;

  private static <E extends Enum<E>> Map<E, LongAdder> adders(Class<E> type) {
    Map<E, LongAdder> map = new EnumMap<>(type);
    for (E e : type.getEnumConstants()) {
      map.put(e, new LongAdder());
    }
    return map;
  }

  /** Sets where the two gauges are read (the client's caches); called once by the client. */
  public void gauges(IntSupplier configsListened, IntSupplier servicesSubscribed) {
    this.configsListened = configsListened;
    this.servicesSubscribed = servicesSubscribed;
  }

  // ---- recording (cache layer) ----

  /** A config read was served from the snapshot because no server could be reached. */
  public void configSnapshotRead() {
    configSnapshotReads.increment();
  }

  /** A service's first read was served from the snapshot because no server could be reached. */
  public void serviceSnapshotRead() {
    serviceSnapshotReads.increment();
  }

  /** A change of a config key with listeners was delivered to them. */
  public void configChangeDelivered() {
    configChanges.increment();
  }

  /** A change of a followed service was delivered to its subscribers. */
  public void serviceChangeDelivered() {
    serviceChanges.increment();
  }

  // ---- recording (engine) ----

  /** A long poll's round trip ended after {@code nanos}. */
  public void longPoll(long nanos) {
    longPolls.increment();
    longPollNanos.add(Math.max(0, nanos));
  }

  /** A UDP datagram arrived on the push port (from a server or not); counted before it is read. */
  public void pushReceived() {
    pushesReceived.increment();
  }

  /** A push acknowledgement was sent back. */
  public void pushAcked() {
    pushesAcked.increment();
  }

  /** A received datagram was not applied, for {@code reason}; at most once per datagram. */
  public void pushIgnored(PushIgnored reason) {
    pushesIgnored.get(reason).increment();
  }

  /** A request moved on to another server after a failure or a server fault. */
  public void serverFailover() {
    failovers.increment();
  }

  /** A login obtained an access token (or found the server needs none). */
  public void login() {
    logins.increment();
  }

  /** A login replaced a held token, for {@code why}. */
  public void tokenRenewal(TokenRenewal why) {
    renewals.get(why).increment();
  }

  /** A request to the server ended with {@code outcome}; once per request. */
  public void request(RequestOutcome outcome) {
    requests.get(outcome).increment();
  }

  // ---- reading ----

  @Override
  public int configsListened() {
    return configsListened.getAsInt();
  }

  @Override
  public int servicesSubscribed() {
    return servicesSubscribed.getAsInt();
  }

  @Override
  public long configSnapshotReads() {
    return configSnapshotReads.sum();
  }

  @Override
  public long serviceSnapshotReads() {
    return serviceSnapshotReads.sum();
  }

  @Override
  public long longPolls() {
    return longPolls.sum();
  }

  @Override
  public long longPollNanos() {
    return longPollNanos.sum();
  }

  @Override
  public long configChangesDelivered() {
    return configChanges.sum();
  }

  @Override
  public long serviceChangesDelivered() {
    return serviceChanges.sum();
  }

  @Override
  public long pushesReceived() {
    return pushesReceived.sum();
  }

  @Override
  public long pushesAcked() {
    return pushesAcked.sum();
  }

  @Override
  public long pushesIgnored(PushIgnored reason) {
    return pushesIgnored.get(reason).sum();
  }

  @Override
  public long serverFailovers() {
    return failovers.sum();
  }

  @Override
  public long logins() {
    return logins.sum();
  }

  @Override
  public long tokenRenewals(TokenRenewal why) {
    return renewals.get(why).sum();
  }

  @Override
  public long requests(RequestOutcome outcome) {
    return requests.get(outcome).sum();
  }

  /**
   * Returns the counts in one line, for logs and a quick look: the gauges, then every counter that is
   * not 0 (by outcome or reason where it has them), e.g. {@code ClientStats{configsListened=3,
   * servicesSubscribed=1, requests{OK=42}, longPolls=7, configChangesDelivered=2}}.
   */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("ClientStats{configsListened=").append(configsListened())
        .append(", servicesSubscribed=").append(servicesSubscribed());
    appendByKey(out, "requests", RequestOutcome.values(), this::requests);
    appendIfNotZero(out, "longPolls", longPolls());
    appendIfNotZero(out, "configChangesDelivered", configChangesDelivered());
    appendIfNotZero(out, "serviceChangesDelivered", serviceChangesDelivered());
    appendIfNotZero(out, "pushesReceived", pushesReceived());
    appendIfNotZero(out, "pushesAcked", pushesAcked());
    appendByKey(out, "pushesIgnored", PushIgnored.values(), this::pushesIgnored);
    appendIfNotZero(out, "serverFailovers", serverFailovers());
    appendIfNotZero(out, "logins", logins());
    appendByKey(out, "tokenRenewals", TokenRenewal.values(), this::tokenRenewals);
    appendIfNotZero(out, "configSnapshotReads", configSnapshotReads());
    appendIfNotZero(out, "serviceSnapshotReads", serviceSnapshotReads());
    return out.append('}').toString();
  }

  private static void appendIfNotZero(StringBuilder out, String name, long value) {
    if (value != 0) {
      out.append(", ").append(name).append('=').append(value);
    }
  }

  private static <K extends Enum<K>> void appendByKey(StringBuilder out, String name, K[] keys,
      java.util.function.ToLongFunction<K> count) {
    StringBuilder counts = new StringBuilder();
    for (K key : keys) {
      long value = count.applyAsLong(key);
      if (value != 0) {
        counts.append(counts.length() == 0 ? "" : ", ").append(key.name()).append('=').append(value);
      }
    }
    if (counts.length() > 0) {
      out.append(", ").append(name).append('{').append(counts).append('}');
    }
  }
}
