package io.mse.client.spring.registry;

import io.mse.client.NameRules;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the address this application registers, on a host with several network interfaces or in
 * a container. Immutable and thread-safe.
 *
 * <p>The rules, in order:
 * <ol>
 *   <li>an explicit address ({@code mse.discovery.ip}) is taken as it is;
 *   <li>interfaces that are down, loopback or virtual sub-interfaces are left out, and so are those
 *       whose name matches an ignored pattern ({@code mse.discovery.ignored-interfaces}: container
 *       and VM bridges such as {@code docker0}, {@code br-*}, {@code veth*}, {@code virbr*} by default)
 *       unless it is the interface asked for; with {@code mse.discovery.network-interface} only that
 *       interface is considered;
 *   <li>loopback, link-local ({@code 169.254/16}, {@code fe80::/10}), wildcard and multicast
 *       addresses are left out;
 *   <li>with {@code mse.discovery.preferred-networks}, only the addresses in one of those networks
 *       (CIDR blocks or address prefixes) are kept, when any is (else all, with a WARN);
 *   <li>IPv4 before IPv6; site-local (10/8, 172.16/12, 192.168/16, IPv6 {@code fc00::/7}) before any
 *       other; then the interface of lowest index (the system's first), then the interface's order.
 * </ol>
 * When no address is left, the host name's address is taken if it is not loopback, else
 * {@code 127.0.0.1}, with a WARN saying that other hosts cannot reach it.
 */
public final class HostAddressChooser {

  private static final Logger LOG = LoggerFactory.getLogger(HostAddressChooser.class);

  private final String explicitIp;
  private final String networkInterface;
  private final List<Network> preferredNetworks;
  private final List<Pattern> ignoredInterfaces;

  /**
   * One network interface as the chooser sees it (a {@link NetworkInterface} or a test's fake).
   *
   * @param name the interface's name, e.g. {@code eth0}
   * @param index the system's index of the interface; lower is listed first
   * @param up whether it is up
   * @param loopback whether it is a loopback interface
   * @param virtual whether it is a virtual sub-interface ({@code eth0:1})
   * @param addresses its addresses, in the system's order
   */
  public record Nic(String name, int index, boolean up, boolean loopback, boolean virtual,
      List<InetAddress> addresses) {

    public Nic {
      Objects.requireNonNull(name, "name");
      addresses = List.copyOf(addresses);
    }

    /** Reads a real interface; an interface that cannot be read counts as down. */
    static Nic of(NetworkInterface nic) {
      boolean up;
      boolean loopback;
      try {
        up = nic.isUp();
        loopback = nic.isLoopback();
      } catch (SocketException e) {
        up = false;
        loopback = false;
      }
      return new Nic(nic.getName(), nic.getIndex(), up, loopback, nic.isVirtual(),
          Collections.list(nic.getInetAddresses()));
    }
  }

  /**
   * @param explicitIp the address to register as given, or null to choose one
   * @param networkInterface the only interface to take an address from, or null for any
   * @param preferredNetworks CIDR blocks ({@code 10.0.0.0/8}) or address prefixes ({@code 192.168.1.}); may be empty
   * @param ignoredInterfaces regular expressions matched against whole interface names; may be empty
   * @throws IllegalArgumentException when {@code explicitIp} is not an address or host name, a
   *     preferred network is malformed, or an ignored pattern is not a regular expression; the
   *     message names the value
   */
  public HostAddressChooser(String explicitIp, String networkInterface, List<String> preferredNetworks,
      List<String> ignoredInterfaces) {
    this.explicitIp = blankToNull(explicitIp) == null ? null : NameRules.ip(explicitIp.strip());
    this.networkInterface = blankToNull(networkInterface);
    this.preferredNetworks = preferredNetworks.stream().filter(n -> n != null && !n.isBlank()).map(Network::parse)
        .toList();
    this.ignoredInterfaces = ignoredInterfaces.stream().filter(p -> p != null && !p.isBlank())
        .map(HostAddressChooser::pattern).toList();
  }

  /**
   * Returns the address to register, from the host's interfaces (unless an explicit one was given).
   *
   * @throws IllegalStateException when {@code mse.discovery.network-interface} names an interface the
   *     host does not have (or one without a usable address)
   */
  public String choose() {
    if (explicitIp != null) {
      return explicitIp;
    }
    List<Nic> nics = new ArrayList<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        nics.add(Nic.of(nic));
      }
    } catch (SocketException | NullPointerException e) {
      LOG.warn("Could not list the network interfaces ({}); registering the host name's address", e.toString());
    }
    return choose(nics);
  }

  /**
   * Returns the address to register among {@code nics} (unless an explicit one was given).
   *
   * @throws IllegalStateException as {@link #choose()}
   */
  public String choose(List<Nic> nics) {
    if (explicitIp != null) {
      return explicitIp;
    }
    List<Candidate> candidates = candidates(nics);
    if (networkInterface != null && candidates.isEmpty()) {
      throw new IllegalStateException("mse.discovery.network-interface '" + networkInterface + "' has no usable"
          + " address (up, not loopback nor link-local); interfaces here: "
          + nics.stream().map(Nic::name).collect(Collectors.joining(", ")));
    }
    if (!preferredNetworks.isEmpty()) {
      List<Candidate> preferred = candidates.stream()
          .filter(c -> preferredNetworks.stream().anyMatch(n -> n.contains(c.address))).toList();
      if (preferred.isEmpty() && !candidates.isEmpty()) {
        LOG.warn("No address of this host is in mse.discovery.preferred-networks {}; choosing among {}",
            preferredNetworks, candidates.stream().map(c -> c.address.getHostAddress()).toList());
      } else {
        candidates = preferred;
      }
    }
    return candidates.stream().min(Candidate.ORDER).map(c -> c.address.getHostAddress().replaceFirst("%.*$", ""))
        .orElseGet(HostAddressChooser::fallback);
  }

  private List<Candidate> candidates(List<Nic> nics) {
    List<Candidate> candidates = new ArrayList<>();
    for (Nic nic : nics) {
      boolean asked = nic.name().equals(networkInterface);
      if (networkInterface != null && !asked) {
        continue;
      }
      if (!nic.up() || nic.loopback() || nic.virtual() || (!asked && ignored(nic.name()))) {
        continue;
      }
      for (int i = 0; i < nic.addresses().size(); i++) {
        InetAddress address = nic.addresses().get(i);
        if (!address.isLoopbackAddress() && !address.isLinkLocalAddress() && !address.isAnyLocalAddress()
            && !address.isMulticastAddress()) {
          candidates.add(new Candidate(nic.index(), i, address));
        }
      }
    }
    return candidates;
  }

  private boolean ignored(String name) {
    return ignoredInterfaces.stream().anyMatch(p -> p.matcher(name).matches());
  }

  private static String fallback() {
    try {
      InetAddress local = InetAddress.getLocalHost();
      if (!local.isLoopbackAddress()) {
        LOG.warn("No network interface has a usable address; registering the host name's address {}",
            local.getHostAddress());
        return local.getHostAddress();
      }
    } catch (UnknownHostException e) {
      LOG.debug("The host name does not resolve", e);
    }
    LOG.warn("No network interface has a usable address; registering 127.0.0.1, which other hosts cannot reach"
        + " (set mse.discovery.ip)");
    return "127.0.0.1";
  }

  private static Pattern pattern(String regex) {
    try {
      return Pattern.compile(regex.strip());
    } catch (java.util.regex.PatternSyntaxException e) {
      throw new IllegalArgumentException("mse.discovery.ignored-interfaces entry '" + regex
          + "' is invalid: it must be a regular expression (" + e.getDescription() + ")", e);
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  private record Candidate(int nicIndex, int position, InetAddress address) {

    static final Comparator<Candidate> ORDER = Comparator.comparingInt((Candidate c) -> c.address instanceof Inet4Address ? 0 : 1)
        .thenComparingInt(c -> siteLocal(c.address) ? 0 : 1)
        .thenComparingInt(Candidate::nicIndex)
        .thenComparingInt(Candidate::position);

    private static boolean siteLocal(InetAddress address) {
      if (address instanceof Inet6Address) {
        return (address.getAddress()[0] & 0xfe) == 0xfc;   // unique local fc00::/7
      }
      return address.isSiteLocalAddress();
    }
  }

  /** A preferred network: a CIDR block or a textual address prefix. */
  private record Network(String text, byte[] base, int prefixLength) {

    static Network parse(String text) {
      String value = text.strip();
      int slash = value.indexOf('/');
      if (slash < 0) {
        return new Network(value, null, -1);
      }
      try {
        byte[] base = InetAddress.getByName(value.substring(0, slash)).getAddress();
        int length = Integer.parseInt(value.substring(slash + 1));
        if (length < 0 || length > base.length * 8 || !value.substring(0, slash).matches("[0-9A-Fa-f.:]+")) {
          throw new IllegalArgumentException("prefix length out of range");
        }
        return new Network(value, base, length);
      } catch (UnknownHostException | IllegalArgumentException e) {
        throw new IllegalArgumentException("mse.discovery.preferred-networks entry '" + text + "' is invalid: it must"
            + " be a CIDR block such as 10.0.0.0/8 or an address prefix such as 192.168.1.", e);
      }
    }

    boolean contains(InetAddress address) {
      if (base == null) {
        return address.getHostAddress().startsWith(text);
      }
      byte[] bytes = address.getAddress();
      if (bytes.length != base.length) {
        return false;
      }
      int full = prefixLength / 8;
      for (int i = 0; i < full; i++) {
        if (bytes[i] != base[i]) {
          return false;
        }
      }
      int rest = prefixLength % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (bytes[full] & mask) == (base[full] & mask);
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
