package io.mse.client.nacos.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/** Plays the server's side of UDP push: sends datagrams to a client port and reads its acks. */
final class FakePushServer implements AutoCloseable {

  private final DatagramSocket socket;

  FakePushServer() {
    this(InetAddress.getLoopbackAddress());
  }

  /** A server sending from {@code from} (another loopback address plays a host that is not the server). */
  FakePushServer(InetAddress from) {
    try {
      socket = new DatagramSocket(new InetSocketAddress(from, 0));
      socket.setSoTimeout(5000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends {@code json} to 127.0.0.1:{@code port}, gzip-compressed when asked. */
  void push(int port, String json, boolean gzip) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    try {
      if (gzip) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
          zip.write(bytes);
        }
        bytes = out.toByteArray();
      }
      socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits (at most {@code millis}) for the next datagram the client sends back; null when none came. */
  String receive(int millis) {
    try {
      socket.setSoTimeout(millis);
      return receive();
    } catch (UncheckedIOException | IOException e) {
      return null;
    } finally {
      try {
        socket.setSoTimeout(5000);
      } catch (IOException ignored) {
        // closed
      }
    }
  }

  /** Waits (at most 5 s) for the next datagram the client sends back. */
  String receive() {
    byte[] buffer = new byte[65536];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    try {
      socket.receive(packet);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new String(packet.getData(), packet.getOffset(), packet.getLength(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    socket.close();
  }
}
