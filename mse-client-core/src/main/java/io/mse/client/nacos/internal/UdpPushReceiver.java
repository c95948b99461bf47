package io.mse.client.nacos.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.mse.client.ClientStats;
import io.mse.client.spi.StatsRecorder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives the instance lists a Nacos server pushes over UDP: one socket bound to every local address,
 * one daemon thread. Each datagram ({@code {"type":"dom","data":"<list JSON>","lastRefTime":<push id>}},
 * gzip-compressed when it starts with 1f 8b) is decoded and handed to the handler at once, then acknowledged to its
 * source with {@code {"type":"push-ack","lastRefTime":<push id>,"data":""}} (the server resends
 * unacknowledged pushes). A datagram whose sender is not one of the client's servers
 * ({@link PushSources}) is dropped unread and unacknowledged: anyone who can reach the port could
 * otherwise replace a service's instances (one WARN per sender, the next ones of that sender at DEBUG).
 * {@link #close()} closes the socket, which ends the thread. Thread-safe.
 */
final class UdpPushReceiver implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(UdpPushReceiver.class);
  private static final int MAX_DATAGRAM = 64 * 1024;

  private final DatagramSocket socket;
  private final Thread thread;
  private final Consumer<NacosServiceList> handler;
  private final StatsRecorder stats;
  private final java.util.function.Predicate<java.net.InetAddress> fromServer;
  /** Senders refused and logged at WARN (bounded: a flood of forged senders does not grow it for ever). */
  private final java.util.Set<java.net.InetAddress> refusedLogged = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * Opens the socket and starts the receiving thread.
   *
   * @param port the local port, 0 for any free one
   * @param stats where packets received, acknowledged and ignored (with why) are counted
   * @param handler takes each pushed list, on the receiving thread; must only hand it off (to the
   *     engine's scheduler): the receiving thread decodes, it neither applies lists nor runs listeners
   * @param fromServer whether a sender is one of the client's servers; others are dropped
   * @throws SocketException when the port cannot be bound
   */
  UdpPushReceiver(int port, ThreadFactory threadFactory, StatsRecorder stats, Consumer<NacosServiceList> handler,
      java.util.function.Predicate<java.net.InetAddress> fromServer) throws SocketException {
    this.stats = stats;
    this.socket = new DatagramSocket(new InetSocketAddress(port));
    this.handler = handler;
    this.fromServer = fromServer;
    this.thread = threadFactory.newThread(this::receiveLoop);
    thread.start();
    LOG.info("Listening for Nacos pushes on UDP port {}", socket.getLocalPort());
  }

  /** Returns the local port pushes arrive on. */
  int port() {
    return socket.getLocalPort();
  }

  private void receiveLoop() {
    byte[] buffer = new byte[MAX_DATAGRAM];
    while (!closed) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("Receiving Nacos pushes failed; push stops, polling goes on: {}", e.toString());
        }
        return;
      }
      stats.pushReceived();
      try {
        handle(packet);
      } catch (RuntimeException e) {
        LOG.warn("Could not handle a Nacos push from {}", packet.getSocketAddress(), e);
      }
    }
  }

  private void handle(DatagramPacket packet) {
    if (!fromServer.test(packet.getAddress())) {
      if (refusedLogged.size() < 100 && refusedLogged.add(packet.getAddress())) {
        LOG.warn("Ignoring UDP datagrams from {}, which is not a server of this client (add it to nacos.pushSources"
            + " if it is a server behind the configured address); logged at DEBUG from now on",
            packet.getSocketAddress());
      } else {
        LOG.debug("Ignoring a UDP datagram from {}, not a server of this client", packet.getSocketAddress());
      }
      stats.pushIgnored(ClientStats.PushIgnored.NOT_FROM_SERVER);
      return;
    }
    String text;
    try {
      text = decode(packet.getData(), packet.getOffset(), packet.getLength());
    } catch (IOException e) {
      LOG.warn("Ignoring a Nacos push from {} that is not valid gzip: {}", packet.getSocketAddress(), e.toString());
      stats.pushIgnored(ClientStats.PushIgnored.UNDECODABLE);
      return;
    }
    JsonNode push;
    try {
      push = NacosJson.MAPPER.readTree(text);
    } catch (IOException e) {
      push = null;
    }
    if (push == null || !push.isObject()) {
      LOG.warn("Ignoring a Nacos push from {} that is not JSON: {}", packet.getSocketAddress(),
          text.length() > 200 ? text.substring(0, 200) + "..." : text);
      stats.pushIgnored(ClientStats.PushIgnored.UNDECODABLE);
      return;
    }
    String type = push.path("type").asText("");
    long pushId = push.path("lastRefTime").asLong(0);
    LOG.debug("Nacos push '{}' {} from {}", type, pushId, packet.getSocketAddress());
    if (type.equals("dom") || type.equals("service")) {
      try {
        handler.accept(NacosServiceList.parse(push.path("data").asText("")).from("push from "
            + packet.getSocketAddress()));
      } catch (IllegalArgumentException e) {
        LOG.warn("Ignoring a Nacos push whose data is not an instance list: {}", e.getMessage());
        stats.pushIgnored(ClientStats.PushIgnored.NOT_A_LIST);
      }
      acknowledge("push-ack", pushId, packet.getSocketAddress());
    } else {
      stats.pushIgnored(ClientStats.PushIgnored.UNKNOWN_TYPE);
      acknowledge("unknown-ack", pushId, packet.getSocketAddress());
    }
  }

  /** Sends the acknowledgement, exactly as the reference client spells it. */
  private void acknowledge(String type, long pushId, SocketAddress to) {
    byte[] ack = ("{\"type\":\"" + type + "\",\"lastRefTime\":" + pushId + ",\"data\":\"\"}")
        .getBytes(StandardCharsets.UTF_8);
    try {
      socket.send(new DatagramPacket(ack, ack.length, to));
      stats.pushAcked();
    } catch (IOException e) {
      if (!closed) {
        LOG.debug("Could not acknowledge push {} to {}: {}", pushId, to, e.toString());
      }
    }
  }

  static final int MAX_INFLATED = 8 * 1024 * 1024;

  /** Decodes a datagram: UTF-8 JSON, gunzipped first when it starts with the gzip magic 1f 8b. */
  static String decode(byte[] data, int offset, int length) throws IOException {
    if (length >= 2 && (data[offset] & 0xff) == 0x1f && (data[offset + 1] & 0xff) == 0x8b) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data, offset, length))) {
        // A datagram of at most 64 KiB inflates to a few MiB for any real list; more is a bomb.
        byte[] text = in.readNBytes(MAX_INFLATED + 1);
        if (text.length > MAX_INFLATED) {
          throw new IOException("the push inflates to more than " + MAX_INFLATED + " bytes");
        }
        return new String(text, StandardCharsets.UTF_8);
      }
    }
    return new String(data, offset, length, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    closed = true;
    socket.close();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
