package io.mse.client.nacos.internal;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.mse.client.MseClient;
import io.mse.client.MseClientConfig;
import io.mse.client.config.ConfigKey;
import io.mse.client.spi.ConfigData;
import io.mse.client.spi.ConfigEventSink;
import io.mse.client.spi.ContentMd5;
import io.mse.client.spi.EngineContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Shared fixtures of the Nacos protocol tests: WireMock on loopback, settings, sinks, a fake ticker. */
final class NacosTestSupport {

  /** md5("k=v1") as the transcripts show it. */
  static final String MD5_K_V1 = "36ddd9a7d9fc0de63dbaaf376d7de652";
  static final String TOKEN = "eyJhbGciOiJIUzM4NCJ9.eyJzdWIiOiJuYWNvcyIsImV4cCI6MTc5NTk2NTQ2N30.uA3fm3vhsfx0o60p3NxSGhpnEHPmP9bpay5tu2KHLcX_gi7UbMOnZI7jcCUqlJlG";

  private NacosTestSupport() {}

  static WireMockServer startWireMock() {
    // Enough request threads for polls the client cancelled while the stub still "holds" them.
    WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1")
        .containerThreads(150));
    server.start();
    return server;
  }

  /** A bare transport to {@code server}, without login, on the system ticker. */
  static NacosTransport transport(WireMockServer server, Duration timeout) {
    return new NacosTransport(NacosAddress.parse("127.0.0.1:" + server.port(), null),
        NacosTransport.defaultClient(timeout), io.mse.client.Ticker.system());
  }

  static MseClient.Builder builder(WireMockServer server, Path snapshotDir) {
    return MseClient.builder().serverAddr("127.0.0.1:" + server.port()).snapshotDir(snapshotDir)
        .requestTimeout(Duration.ofSeconds(2));
  }

  static EngineContext context(MseClientConfig settings, ConfigEventSink sink) {
    return new EngineContext(settings, "t", sink, (service, instances, authoritative) -> {});
  }

  /** A ConfigEventSink that records every report. */
  static final class RecordingSink implements ConfigEventSink {
    record Report(ConfigKey key, String content) {}

    final List<Report> reports = new CopyOnWriteArrayList<>();

    /** Records the report and hands back the MD5 as the cache layer does. */
    @Override
    public ContentMd5 onConfig(ConfigKey key, ConfigData data) {
      reports.add(new Report(key, data == null ? null : data.content()));
      return data == null ? null : data.md5OrHash();
    }

    List<String> contentsOf(ConfigKey key) {
      return reports.stream().filter(r -> r.key().equals(key)).map(Report::content).toList();
    }
  }

  /** Runs {@code action} with System.err captured (slf4j-simple writes there) and returns what was written. */
  static String captureStderr(Runnable action) {
    PrintStream original = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }

  static <T> T with(T value, Consumer<T> setup) {
    setup.accept(value);
    return value;
  }
}
