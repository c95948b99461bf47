package io.mse.client;

/**
 * What a client has done so far, for monitoring ({@link MseClient#stats()}; the Micrometer binder
 * {@code io.mse.client.metrics.MseClientMetrics} reads it). Counts are cumulative since the client
 * was made and only grow; gauges are the state now.
 *
 * <p>Counts are read without allocation or lock (striped counters summed on read); the two gauges
 * walk the caches' entries, which allocates (for scrapes, never a hot path). Counting adds one
 * uncontended increment where the event happens, never on a cached read. Counts of the engine's protocol (long polls, pushes, failovers, logins, server
 * requests) are the Nacos engine's: another engine (ZooKeeper) leaves them at 0. Thread-safe.
 */
public interface ClientStats {

  /** Why a pushed packet was not applied. */
  enum PushIgnored {
    /** Neither JSON nor gzip-compressed JSON. */
    UNDECODABLE,
    /** A push of a list whose data is not an instance list. */
    NOT_A_LIST,
    /** A push of a type the client does not know (acknowledged, as the reference client does). */
    UNKNOWN_TYPE,
    /** A list of a service this client does not follow. */
    NOT_FOLLOWED,
    /** A list without instances ({@code hosts}) or marked invalid by the server. */
    UNUSABLE,
    /** A list older than the one held ({@code lastRefTime}). */
    STALE,
    /**
     * A datagram whose sender is not one of the client's servers (nor of {@code nacos.pushSources}):
     * dropped unread and unacknowledged.
     */
    NOT_FROM_SERVER
  }

  /** How a request to the server ended. */
  enum RequestOutcome {
    /** A server answered 2xx. */
    OK,
    /**
     * A server answered an error status the request takes for its answer: a 4xx (a 404 for an absent
     * config included), or a 500 that is the request's answer (a failed compare-and-set, a login's
     * verdict on the credentials).
     */
    ERROR_STATUS,
    /** No server answered within the deadline (connection failures, timeouts, 5xx faults on every server). */
    UNAVAILABLE,
    /**
     * Every server showed a fault of the client's settings that no retry can heal (a TLS or context
     * path mismatch, an untrusted certificate): the request failed with a
     * {@link MisconfigurationException}.
     */
    MISCONFIGURED
  }

  /** Why a held access token was replaced by a new login. */
  enum TokenRenewal {
    /** 90% of its time to live had passed. */
    EXPIRING,
    /** A server refused it (a 403 speaking of the token). */
    REFUSED
  }

  /** Returns the config keys with at least one listener now. */
  int configsListened();

  /** Returns the services with at least one subscriber now (governance's subscriptions included). */
  int servicesSubscribed();

  /** Returns the config reads served from the snapshot because no server could be reached. */
  long configSnapshotReads();

  /** Returns the first reads of instance lists served from the snapshot because no server could be reached. */
  long serviceSnapshotReads();

  /** Returns the long-poll round trips that ended (answered, failed or restarted). */
  long longPolls();

  /** Returns the total time of the long-poll round trips counted by {@link #longPolls()}, in nanoseconds. */
  long longPollNanos();

  /** Returns the config changes delivered to listeners (one per change of a key that has listeners). */
  long configChangesDelivered();

  /** Returns the instance-list changes delivered to subscribers (one per change of a followed service). */
  long serviceChangesDelivered();

  /**
   * Returns the push packets received: every datagram, from a server or not. Each is either applied
   * or counted once in {@link #pushesIgnored} with its reason, so the packets applied are this count
   * less the sum of those.
   */
  long pushesReceived();

  /** Returns the push acknowledgements sent back. */
  long pushesAcked();

  /** Returns the pushed packets not applied for {@code reason}. */
  long pushesIgnored(PushIgnored reason);

  /** Returns the times a request moved on to another server after a failure or a server fault. */
  long serverFailovers();

  /** Returns the logins that obtained an access token (or found the server needs none). */
  long logins();

  /** Returns the logins that replaced a held token, for {@code why}. */
  long tokenRenewals(TokenRenewal why);

  /** Returns the requests to the server that ended with {@code outcome}. */
  long requests(RequestOutcome outcome);
}
