package io.mse.client.spring.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mse.client.spring.MseProperties;
import io.mse.client.spring.registry.HostAddressChooser.Nic;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostAddressChooserTest {

  private static final List<String> DEFAULT_IGNORED = MseProperties.Discovery.DEFAULT_IGNORED_INTERFACES;

  private static HostAddressChooser chooser() {
    return new HostAddressChooser(null, null, List.of(), DEFAULT_IGNORED);
  }

  private static Nic nic(String name, int index, String... addresses) {
    return new Nic(name, index, true, false, false, Arrays.stream(addresses).map(HostAddressChooserTest::address).toList());
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static final Nic LOOPBACK = new Nic("lo", 1, true, true, false, List.of(address("127.0.0.1"), address("::1")));

  @Test
  void skipsLoopbackAndDockerBridgeInAContainerHost() {
    List<Nic> nics = List.of(LOOPBACK, nic("docker0", 2, "172.17.0.1"), nic("br-3f2a9c", 3, "172.18.0.1"),
        nic("veth12ab", 4, "fe80::1"), nic("eth0", 5, "10.1.2.3"));
    assertThat(chooser().choose(nics)).isEqualTo("10.1.2.3");
  }

  @Test
  void prefersSiteLocalOverPublicAndCarrierGradeAddresses() {
    List<Nic> nics = List.of(LOOPBACK, nic("eth0", 2, "203.0.113.7"), nic("tailscale0", 3, "100.101.102.103"),
        nic("eth1", 4, "192.168.1.20"));
    assertThat(chooser().choose(nics)).isEqualTo("192.168.1.20");
  }

  @Test
  void prefersTheInterfaceOfLowestIndexAmongEquals() {
    List<Nic> nics = List.of(nic("eth1", 7, "10.0.0.9"), nic("eth0", 3, "10.0.0.5"));
    assertThat(chooser().choose(nics)).isEqualTo("10.0.0.5");
  }

  @Test
  void skipsInterfacesThatAreDownOrVirtualAndLinkLocalAddresses() {
    List<Nic> nics = List.of(
        new Nic("eth0", 2, false, false, false, List.of(address("10.0.0.1"))),
        new Nic("eth0:1", 3, true, false, true, List.of(address("10.0.0.2"))),
        nic("eth1", 4, "169.254.10.10", "fe80::abcd", "172.20.1.1"));
    assertThat(chooser().choose(nics)).isEqualTo("172.20.1.1");
  }

  @Test
  void prefersIpv4AndFallsBackToAGlobalIpv6() {
    assertThat(chooser().choose(List.of(nic("eth0", 2, "fd00::5", "10.2.3.4")))).isEqualTo("10.2.3.4");
    assertThat(chooser().choose(List.of(LOOPBACK, nic("eth0", 2, "fe80::1", "fd00::5")))).isEqualTo("fd00:0:0:0:0:0:0:5");
  }

  @Test
  void preferredNetworksAsCidrOrPrefixWin() {
    List<Nic> nics = List.of(nic("eth0", 2, "10.0.0.5"), nic("eth1", 3, "192.168.7.9"), nic("eth2", 4, "172.16.4.4"));
    assertThat(new HostAddressChooser(null, null, List.of("192.168.0.0/16"), DEFAULT_IGNORED).choose(nics))
        .isEqualTo("192.168.7.9");
    assertThat(new HostAddressChooser(null, null, List.of("172.16."), DEFAULT_IGNORED).choose(nics))
        .isEqualTo("172.16.4.4");
    assertThat(new HostAddressChooser(null, null, List.of("10.0.0.4/31"), DEFAULT_IGNORED).choose(nics))
        .isEqualTo("10.0.0.5");
  }

  @Test
  void preferredNetworksNoAddressIsInFallBackToTheUsualChoice() {
    List<Nic> nics = List.of(nic("eth0", 2, "10.0.0.5"));
    assertThat(new HostAddressChooser(null, null, List.of("192.168.0.0/16"), DEFAULT_IGNORED).choose(nics))
        .isEqualTo("10.0.0.5");
  }

  @Test
  void theInterfaceAskedForIsTakenEvenWhenItsNameIsIgnored() {
    List<Nic> nics = List.of(nic("eth0", 2, "10.0.0.5"), nic("docker0", 3, "172.17.0.1"));
    assertThat(new HostAddressChooser(null, "docker0", List.of(), DEFAULT_IGNORED).choose(nics)).isEqualTo("172.17.0.1");
    assertThat(new HostAddressChooser(null, "eth0", List.of(), DEFAULT_IGNORED).choose(nics)).isEqualTo("10.0.0.5");
  }

  @Test
  void anInterfaceAskedForThatIsMissingFailsNamingTheInterfacesThere() {
    List<Nic> nics = List.of(LOOPBACK, nic("eth0", 2, "10.0.0.5"));
    assertThatThrownBy(() -> new HostAddressChooser(null, "ens5", List.of(), DEFAULT_IGNORED).choose(nics))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("'ens5'").hasMessageContaining("lo, eth0");
  }

  @Test
  void anExplicitAddressWinsOverEveryInterface() {
    assertThat(new HostAddressChooser(" 198.51.100.4 ", "eth0", List.of("10.0.0.0/8"), DEFAULT_IGNORED)
        .choose(List.of(nic("eth0", 2, "10.0.0.5")))).isEqualTo("198.51.100.4");
  }

  @Test
  void badSettingsFailNamingTheValue() {
    assertThatThrownBy(() -> new HostAddressChooser("not an ip", null, List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'not an ip'");
    assertThatThrownBy(() -> new HostAddressChooser(null, null, List.of("10.0.0.0/40"), List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'10.0.0.0/40'");
    assertThatThrownBy(() -> new HostAddressChooser(null, null, List.of(), List.of("eth[")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'eth['");
  }

  @Test
  void withNoUsableInterfaceFallsBackToSomeAddress() {
    assertThat(chooser().choose(List.of(LOOPBACK))).isNotBlank();
  }

  @Test
  void choosesAnAddressOfThisHost() {
    String chosen = chooser().choose();
    assertThat(chosen).isNotBlank();
    assertThat(address(chosen)).isNotNull();
  }
}
