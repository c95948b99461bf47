package io.mse.client.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.ServerUnavailableException;
import io.mse.client.spi.Md5;
import io.mse.client.testing.FakeEngine;
import io.mse.client.testing.FakeEngineProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

class ConfigServiceTest {

  @TempDir
  Path snapshots;

  private MseClient client;
  private FakeEngine engine;
  private ConfigService config;

  @BeforeEach
  void start(TestInfo test) {
    String name = "config-" + test.getDisplayName().replaceAll("\\W", "");
    client = MseClient.builder().serverAddr("fake://" + name).snapshotDir(snapshots).build();
    engine = FakeEngineProvider.engine(name);
    config = client.config();
  }

  @AfterEach
  void stop() {
    client.close();
  }

  @Test
  void publishedConfigIsReadBack() {
    assertThat(config.getConfig("order.properties", "DEFAULT_GROUP")).isNull();
    assertThat(config.publishConfig("order.properties", "DEFAULT_GROUP", "greeting=hello")).isTrue();
    assertThat(config.getConfig("order.properties", null)).isEqualTo("greeting=hello");
    assertThat(config.removeConfig("order.properties", "")).isTrue();
    assertThat(config.getConfig("order.properties", "DEFAULT_GROUP")).isNull();
  }

  @Test
  void listenedConfigIsServedFromMemoryWithoutServerReads() {
    config.publishConfig("a", "G", "v1");
    config.addListener("a", "G", event -> { });
    int reads = engine.configReads.get();
    for (int i = 0; i < 100; i++) {
      assertThat(config.getConfig("a", "G")).isEqualTo("v1");
    }
    assertThat(engine.configReads.get()).isEqualTo(reads);
    config.publishConfig("a", "G", "v2");
    await().untilAsserted(() -> assertThat(config.getConfig("a", "G")).isEqualTo("v2"));
    assertThat(engine.configReads.get()).isEqualTo(reads);
  }

  @Test
  void listenersReceiveEveryChangeInOrderOffTheIoThread() {
    List<String> seen = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    config.publishConfig("a", "G", "v0");
    config.addListener("a", "G", event -> {
      seen.add(event.content());
      threads.add(Thread.currentThread().getName());
    });
    for (int i = 1; i <= 50; i++) {
      config.publishConfig("a", "G", "v" + i);
    }
    await().until(() -> seen.size() == 50);
    for (int i = 0; i < 50; i++) {
      assertThat(seen.get(i)).isEqualTo("v" + (i + 1));
    }
    assertThat(threads).allSatisfy(name -> assertThat(name).contains("-notify-").doesNotContain("fake-io"));
  }

  @Test
  void sameContentAgainDoesNotNotify() {
    AtomicInteger calls = new AtomicInteger();
    config.publishConfig("a", "G", "same");
    config.addListener("a", "G", event -> calls.incrementAndGet());
    config.publishConfig("a", "G", "same");
    engine.pushConfig(ConfigKey.of("a", "G"), "same");
    config.publishConfig("a", "G", "other");
    await().until(() -> calls.get() == 1);
    // The notification thread is FIFO: once a later change of another key is delivered, any
    // notification the repeats might have queued would have run already.
    engine.drain();
    AtomicInteger marker = new AtomicInteger();
    config.addListener("marker", "G", event -> marker.incrementAndGet());
    config.publishConfig("marker", "G", "x");
    await().until(() -> marker.get() == 1);
    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void eventCarriesContentPreviousContentAndMd5AndRemoval() {
    List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();
    config.publishConfig("a", "G", "one");
    config.addListener("a", "G", events::add);
    config.publishConfig("a", "G", "two");
    config.removeConfig("a", "G");
    await().until(() -> events.size() == 2);
    assertThat(events.get(0).content()).isEqualTo("two");
    assertThat(events.get(0).previousContent()).isEqualTo("one");
    assertThat(events.get(0).md5()).isEqualTo(Md5.of("two"));
    assertThat(events.get(1).removed()).isTrue();
    assertThat(events.get(1).md5()).isEmpty();
  }

  @Test
  void aFailingListenerDoesNotStopTheOthers() {
    List<String> seen = new CopyOnWriteArrayList<>();
    config.addListener("a", "G", event -> {
      throw new IllegalStateException("boom");
    });
    config.addListener("a", "G", event -> seen.add(event.content()));
    config.publishConfig("a", "G", "v1");
    config.publishConfig("a", "G", "v2");
    await().until(() -> seen.equals(List.of("v1", "v2")));
  }

  @Test
  void listenerWithItsOwnExecutorIsCalledThere() {
    ExecutorService own = Executors.newSingleThreadExecutor(r -> new Thread(r, "my-listener"));
    try {
      List<String> threads = new CopyOnWriteArrayList<>();
      config.addListener("a", "G", new ConfigListener() {
        @Override
        public void onChange(ConfigChangeEvent event) {
          threads.add(Thread.currentThread().getName());
        }

        @Override
        public java.util.concurrent.Executor executor() {
          return own;
        }
      });
      config.publishConfig("a", "G", "v1");
      await().until(() -> threads.equals(List.of("my-listener")));
    } finally {
      own.shutdownNow();
    }
  }

  @Test
  void getConfigAndAddListenerReturnsCurrentContentAndListens() {
    config.publishConfig("a", "G", "now");
    List<String> seen = new CopyOnWriteArrayList<>();
    String current = config.getConfigAndAddListener("a", "G", Duration.ofSeconds(1), e -> seen.add(e.content()));
    assertThat(current).isEqualTo("now");
    config.publishConfig("a", "G", "later");
    await().until(() -> seen.equals(List.of("later")));
  }

  @Test
  void removingTheLastListenerStopsWatching() {
    ConfigListener listener = event -> { };
    config.addListener("a", "G", listener);
    assertThat(engine.watching(ConfigKey.of("a", "G"))).isTrue();
    config.removeListener("a", "G", listener);
    assertThat(engine.watching(ConfigKey.of("a", "G"))).isFalse();
    int reads = engine.configReads.get();
    config.getConfig("a", "G");
    assertThat(engine.configReads.get()).isEqualTo(reads + 1);
  }

  @Test
  void servesSnapshotWhenServerIsDown() {
    config.publishConfig("app:db.properties", "G", "url=jdbc:x");
    assertThat(config.getConfig("app:db.properties", "G")).isEqualTo("url=jdbc:x");
    await().until(() -> Files.exists(snapshotFile("app:db.properties")));
    engine.down(true);
    assertThat(config.getConfig("app:db.properties", "G")).isEqualTo("url=jdbc:x");
    assertThatThrownBy(() -> config.getConfig("never-read", "G"))
        .isInstanceOf(ServerUnavailableException.class)
        .hasMessageContaining("down");
  }

  @Test
  void aRemovedConfigDoesNotComeBackFromTheSnapshot() {
    config.publishConfig("a", "G", "old");
    config.getConfig("a", "G");
    await().until(() -> Files.exists(snapshotFile("a")));
    config.removeConfig("a", "G");
    await().until(() -> !Files.exists(snapshotFile("a")));
    engine.down(true);
    assertThatThrownBy(() -> config.getConfig("a", "G")).isInstanceOf(ServerUnavailableException.class);
  }

  @Test
  void pushedChangesAreWrittenToTheSnapshot() {
    config.addListener("a", "G", event -> { });
    config.publishConfig("a", "G", "pushed");
    await().untilAsserted(() -> assertThat(snapshotFile("a")).hasContent("pushed"));
  }

  @Test
  void casPublishComparesTheMd5OfTheCurrentContent() {
    config.publishConfig("a", "G", "v1");
    assertThat(config.publishConfigCas("a", "G", "v2", Md5.of("wrong"))).isFalse();
    assertThat(config.publishConfigCas("a", "G", "v2", Md5.of("v1").toUpperCase(java.util.Locale.ROOT))).isTrue();
    assertThatThrownBy(() -> config.publishConfigCas("a", "G", "v3", "not-an-md5"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("casMd5 'not-an-md5'");
    assertThat(config.getConfig("a", "G")).isEqualTo("v2");
  }

  @Test
  void badNamesAreRejectedBeforeAnyIo() {
    assertThatThrownBy(() -> config.publishConfig("bad/id", "G", "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dataId 'bad/id'");
    assertThatThrownBy(() -> config.getConfig(" ", "G"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dataId");
    assertThatThrownBy(() -> config.getConfig("a", "G", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    assertThatThrownBy(() -> config.publishConfig("a", "G", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("removeConfig");
    assertThatThrownBy(() -> config.publishConfig("a", "G", " \n"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is blank");
    assertThatThrownBy(() -> config.publishConfig("a", "g".repeat(129), "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 128");
    assertThatThrownBy(() -> config.getConfig("配置", "G"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dataId '配置'");
    assertThat(engine.writes.get()).isZero();
  }

  private Path snapshotFile(String dataId) {
    return new io.mse.client.internal.SnapshotStore(snapshots, "fake://" + engineName(), "")
        .configFile(ConfigKey.of(dataId, "G"));
  }

  private String engineName() {
    return engine.context().config().serverAddr().substring("fake://".length());
  }
}
