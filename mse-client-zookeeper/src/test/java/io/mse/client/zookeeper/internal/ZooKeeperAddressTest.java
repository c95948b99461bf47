package io.mse.client.zookeeper.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ZooKeeperAddressTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "zookeeper://127.0.0.1:2181                 | 127.0.0.1:2181                 |",
      "zookeeper://zk1:2181,zk2:2182,zk3:2183     | zk1:2181,zk2:2182,zk3:2183     |",
      "ZooKeeper://zk1                            | zk1:2181                       |",
      "zookeeper://zk1:2181,zk2                   | zk1:2181,zk2:2181              |",
      "zookeeper://[::1]:2181                     | [::1]:2181                     |",
      "zookeeper://zk1:2181/apps/mse              | zk1:2181                       | apps/mse",
      "zookeeper://zk1:2181/                      | zk1:2181                       |",
      "zookeeper://zk-1.example.com:2181/a/       | zk-1.example.com:2181          | a"})
  void parsesValidAddresses(String address, String connectString, String chroot) {
    ZooKeeperAddress parsed = ZooKeeperAddress.parse(address);

    assertThat(parsed.connectString()).isEqualTo(connectString);
    assertThat(parsed.chroot()).isEqualTo(chroot);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "zookeeper://                 | names no host",
      "zookeeper://:2181            | needs a host",
      "zookeeper://zk1:0            | port 0 is out of range",
      "zookeeper://zk1:65536        | port 65536 is out of range",
      "zookeeper://zk1:abc          | port 'abc' is not a number",
      "zookeeper://zk1:2181,        | empty 'host:port' entry",
      "zookeeper://zk1:2181,,zk2    | empty 'host:port' entry",
      "zookeeper://zk 1:2181        | spaces are not supported",
      "zookeeper://zk1:2181?x=1     | query strings",
      "zookeeper://zk1:2181//a      | chroot '//a'",
      "zookeeper://zk1:2181/a/../b  | chroot '/a/../b'",
      "zookeeper://zk1:2181/zookeeper/x | reserves",
      "zookeeper://zk$1:2181        | host 'zk$1'",
      "zookeeper://[::1:2181        | closing ']'",
      "nacos://zk1:2181             | must start with 'zookeeper://'"})
  void rejectsMalformedAddressesNamingTheValueAndTheRule(String address, String rule) {
    assertThatThrownBy(() -> ZooKeeperAddress.parse(address))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + address + "'")
        .hasMessageContaining(rule)
        .hasMessageContaining(ZooKeeperAddress.FORM);
  }

  @ParameterizedTest
  @ValueSource(strings = {"zookeeper://x", "ZOOKEEPER://x", "zookeeper://"})
  void recognizesTheSchemeInAnyCase(String address) {
    assertThat(ZooKeeperAddress.hasScheme(address)).isTrue();
  }
}
