package io.mse.client.nacos.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class UdpPushDecodeTest {

  @Test
  void gzipPushesAreInflatedAndPlainOnesReadAsUtf8() throws IOException {
    byte[] zipped = gzip("{\"type\":\"dom\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(UdpPushReceiver.decode(zipped, 0, zipped.length)).isEqualTo("{\"type\":\"dom\"}");
    byte[] plain = "{\"a\":\"ü\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(UdpPushReceiver.decode(plain, 0, plain.length)).isEqualTo("{\"a\":\"ü\"}");
  }

  @Test
  void aDatagramThatInflatesBeyondTheLimitIsRefused() throws IOException {
    byte[] bomb = gzip(new byte[UdpPushReceiver.MAX_INFLATED + 1024]);
    assertThat(bomb.length).isLessThan(65_536);
    assertThatThrownBy(() -> UdpPushReceiver.decode(bomb, 0, bomb.length))
        .isInstanceOf(IOException.class).hasMessageContaining("inflates to more than");
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(data);
    }
    return out.toByteArray();
  }
}
