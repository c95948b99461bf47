package io.mse.client.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPortTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "zk1             | zk1:2181",
      "zk1:2182        | zk1:2182",
      "10.0.0.7:8848   | 10.0.0.7:8848",
      "[::1]           | [::1]:2181",
      "[::1]:8848      | [::1]:8848",
      "nacos_1.local   | nacos_1.local:2181"})
  void keysAnEndpointAsHostAndPort(String written, String key) {
    assertThat(HostPort.parse(written, 2181)).hasToString(key);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      ":2181      | needs a host",
      "zk1:0      | port 0 is out of range",
      "zk1:65536  | port 65536 is out of range",
      "zk1:abc    | port 'abc' is not a number",
      "zk$1:2181  | host 'zk$1'",
      "[::1:2181  | closing ']'",
      "[::1]x     | must be [ipv6]:port"})
  void namesTheRuleABrokenEndpointBreaks(String written, String rule) {
    assertThatThrownBy(() -> HostPort.parse(written, 2181)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(rule);
  }
}
