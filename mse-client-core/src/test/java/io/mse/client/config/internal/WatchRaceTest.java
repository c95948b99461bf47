package io.mse.client.config.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mse.client.config.ConfigKey;
import io.mse.client.config.ConfigListener;
import io.mse.client.internal.Dispatcher;
import io.mse.client.spi.NamedThreadFactory;
import io.mse.client.internal.SnapshotStore;
import io.mse.client.spi.ConfigData;
import io.mse.client.spi.ContentMd5;
import io.mse.client.spi.ConfigEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listener add and remove racing on one key must leave the engine watching exactly when someone listens. */
class WatchRaceTest {

  @TempDir
  Path dir;

  /** Watches as a set (like the engines' maps); its unwatch can be held at its start. */
  static final class LatchedEngine implements ConfigEngine {
    final Set<ConfigKey> watched = ConcurrentHashMap.newKeySet();
    final CountDownLatch unwatchEntered = new CountDownLatch(1);
    final CountDownLatch releaseUnwatch = new CountDownLatch(1);

    @Override
    public ConfigData getConfig(ConfigKey key, Duration timeout) {
      return new ConfigData("v1", null);
    }

    @Override
    public boolean publishConfig(ConfigKey key, String content, String type, String casMd5) {
      return true;
    }

    @Override
    public boolean removeConfig(ConfigKey key) {
      return true;
    }

    @Override
    public void watch(ConfigKey key, ContentMd5 md5) {
      watched.add(key);
    }

    @Override
    public void unwatch(ConfigKey key) {
      unwatchEntered.countDown();
      try {
        releaseUnwatch.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      watched.remove(key);
    }
  }

  @Test
  void aListenerAddedWhileTheLastOneIsRemovedKeepsItsWatch() throws Exception {
    LatchedEngine engine = new LatchedEngine();
    try (Dispatcher dispatcher = new Dispatcher(new NamedThreadFactory("race-notify"))) {
      DefaultConfigService config = new DefaultConfigService("",
          new ConfigCache(dispatcher, new SnapshotStore(dir, "race", ""), io.mse.client.MseClient.builder().serverAddr("memory://race").snapshotDir(dir).toConfig()), engine, Duration.ofSeconds(1));
      ConfigListener first = event -> { };
      ConfigListener second = event -> { };
      config.addListener("a", "G", first);
      Thread remover = new Thread(() -> config.removeListener("a", "G", first));
      remover.start();
      assertThat(engine.unwatchEntered.await(5, TimeUnit.SECONDS)).isTrue();
      Thread adder = new Thread(() -> config.addListener("a", "G", second));
      adder.start();
      // Let the adder get as far as it can: done (no ordering) or waiting for the remover (ordering).
      org.awaitility.Awaitility.await().until(() -> adder.getState() == Thread.State.TERMINATED
          || adder.getState() == Thread.State.BLOCKED);
      engine.releaseUnwatch.countDown();
      remover.join(5000);
      adder.join(5000);
      assertThat(engine.watched).containsExactly(ConfigKey.of("a", "G"));
    }
  }
}
