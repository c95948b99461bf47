package io.mse.client.nacos.internal;

import io.mse.client.Ticker;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which senders of UDP datagrams are the client's servers, so that only they can push instance lists:
 * the hosts of the server address, and the extra hosts of {@code nacos.pushSources} (the nodes behind a
 * virtual IP, whose pushes come from their own addresses), or any host with {@code *}. Host names are
 * resolved to all their addresses on the first datagram, and again (at most every
 * {@value #RESOLVE_INTERVAL_SECONDS} s, by the client's ticker) when a datagram comes from an address
 * not among them, so that a server whose address changed is followed while a flood of forged datagrams
 * costs no more than one lookup per interval. Thread-safe.
 */
final class PushSources implements Predicate<InetAddress> {

  private static final Logger LOG = LoggerFactory.getLogger(PushSources.class);
  static final long RESOLVE_INTERVAL_SECONDS = 30;

  private final List<String> hosts;
  private final boolean any;
  private final Ticker ticker;
  private final Set<InetAddress> known = ConcurrentHashMap.newKeySet();
  private volatile long resolvedAtNanos;
  private volatile boolean resolved;

  /**
   * @param serverUrls the base URLs of the servers, e.g. {@code http://10.0.0.1:8848}
   * @param extra the hosts of {@code nacos.pushSources}; {@code *} among them accepts any host
   */
  PushSources(List<String> serverUrls, List<String> extra, Ticker ticker) {
    List<String> all = new ArrayList<>();
    for (String url : serverUrls) {
      String host = URI.create(url).getHost();
      all.add(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
    }
    all.addAll(extra);
    this.any = all.contains("*");
    this.hosts = List.copyOf(all);
    this.ticker = ticker;
  }

  /** Returns whether a datagram from {@code sender} may be a push of one of the client's servers. */
  @Override
  public boolean test(InetAddress sender) {
    if (any || known.contains(sender)) {
      return true;
    }
    long now = ticker.read();
    if (!resolved || now - resolvedAtNanos >= Duration.ofSeconds(RESOLVE_INTERVAL_SECONDS).toNanos()) {
      synchronized (this) {
        if (!resolved || now - resolvedAtNanos >= Duration.ofSeconds(RESOLVE_INTERVAL_SECONDS).toNanos()) {
          resolve();
          resolvedAtNanos = now;
          resolved = true;
        }
      }
    }
    return known.contains(sender);
  }

  /** The hosts pushes are accepted from, as configured. */
  List<String> hosts() {
    return hosts;
  }

  private void resolve() {
    for (String host : hosts) {
      try {
        for (InetAddress address : InetAddress.getAllByName(host)) {
          known.add(address);
        }
      } catch (UnknownHostException | SecurityException e) {
        LOG.debug("Could not resolve the push source '{}': {}", host, e.toString());
      }
    }
  }
}
