package io.mse.bench.propagation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The server's own naming floor: a bare v1 UDP push subscriber (no client library), which asks for
 * the services' lists with {@code udpPort}/{@code clientIP} every few seconds (so the server keeps
 * pushing to it) and records, for each push, when it arrived and which ports it held. Acknowledges
 * each push as the server expects. Closed by {@link #close()}.
 */
final class UdpPushProbe implements AutoCloseable {

  /** One push: when it arrived ({@link System#nanoTime()}), for which service, which ports. */
  record Push(long nanos, String service, Set<Integer> ports) {
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final DatagramSocket socket;
  private final OkHttpClient http = new OkHttpClient.Builder().readTimeout(10, TimeUnit.SECONDS).build();
  private final List<Push> pushes = new CopyOnWriteArrayList<>();
  private final Thread receiver;
  private final Thread refresher;
  private volatile boolean closed;

  UdpPushProbe(String base, String token, String group, List<String> services) throws Exception {
    socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    receiver = new Thread(this::receive, "udp-probe-receiver");
    receiver.setDaemon(true);
    receiver.start();
    refresher = new Thread(() -> {
      while (!closed) {
        for (String service : services) {
          String url = base + "/v1/ns/instance/list?serviceName=" + URLEncoder.encode(service, StandardCharsets.UTF_8)
              + "&groupName=" + group + "&healthyOnly=false&clientIP=127.0.0.1&udpPort=" + socket.getLocalPort();
          Request.Builder request = new Request.Builder().url(url).header("User-Agent", "Nacos-Java-Client:v2.5.1");
          if (token != null) {
            request.header("accessToken", token);
          }
          try (Response response = http.newCall(request.build()).execute()) {
            response.body().string();
          } catch (Exception e) {
            System.err.println("udp probe: list request failed: " + e);
          }
        }
        try {
          Thread.sleep(4000);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "udp-probe-refresher");
    refresher.setDaemon(true);
    refresher.start();
  }

  private void receive() {
    byte[] buffer = new byte[65536];
    while (!closed) {
      try {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.receive(packet);
        long now = System.nanoTime();
        byte[] data = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
        if (data.length > 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b) {
          data = new GZIPInputStream(new ByteArrayInputStream(data)).readAllBytes();
        }
        JsonNode push = JSON.readTree(data);
        long ref = push.path("lastRefTime").asLong();
        byte[] ack = ("{\"type\":\"push-ack\",\"lastRefTime\":" + ref + ",\"data\":\"\"}").getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(ack, ack.length, packet.getSocketAddress()));
        if (!"dom".equals(push.path("type").asText()) && !"service".equals(push.path("type").asText())) {
          continue;
        }
        JsonNode list = JSON.readTree(push.path("data").asText());
        String name = list.path("name").asText();
        String service = name.contains("@@") ? name.substring(name.indexOf("@@") + 2) : name;
        Set<Integer> ports = new HashSet<>();
        for (JsonNode host : list.path("hosts")) {
          ports.add(host.path("port").asInt());
        }
        pushes.add(new Push(now, service, ports));
      } catch (Exception e) {
        if (!closed) {
          System.err.println("udp probe: bad push: " + e);
        }
      }
    }
  }

  /** The pushes received so far for {@code service}, in order of arrival. */
  List<Push> pushes(String service) {
    List<Push> of = new ArrayList<>();
    for (Push push : pushes) {
      if (push.service().equals(service)) {
        of.add(push);
      }
    }
    return of;
  }

  @Override
  public void close() {
    closed = true;
    refresher.interrupt();
    socket.close();
  }
}
