package io.mse.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Whether a client's server answers, as its engine last saw it: read from memory, no request is
 * made. Immutable and thread-safe.
 *
 * <p>A server is unreachable from the first request that no server of the address answered (Nacos:
 * every server tried within the request's deadline; ZooKeeper: the connection suspended or lost)
 * until one answers again. Meanwhile reads are served from the client's memory and snapshots.
 *
 * @param reachable true when the last request was answered (or none failed yet)
 * @param unreachableFor how long the server has been unreachable, by the client's ticker;
 *     {@link Duration#ZERO} when reachable
 * @param lastFault the last failure seen (a server and what happened), or null when reachable
 */
public record ServerStatus(boolean reachable, Duration unreachableFor, String lastFault) {

  /** A reachable server. */
  public static final ServerStatus REACHABLE = new ServerStatus(true, Duration.ZERO, null);

  /**
   * @throws NullPointerException when {@code unreachableFor} is null
   * @throws IllegalArgumentException when {@code unreachableFor} is negative
   */
  public ServerStatus {
    Objects.requireNonNull(unreachableFor, "unreachableFor");
    if (unreachableFor.isNegative()) {
      throw new IllegalArgumentException("unreachableFor " + unreachableFor + " is invalid: it must not be negative");
    }
  }

  /** Returns the status of a server unreachable for {@code unreachableFor}, last failing with {@code lastFault}. */
  public static ServerStatus unreachable(Duration unreachableFor, String lastFault) {
    return new ServerStatus(false, unreachableFor, lastFault);
  }
}
