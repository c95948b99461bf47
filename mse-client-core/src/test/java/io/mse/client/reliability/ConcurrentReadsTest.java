package io.mse.client.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.MseClient;
import io.mse.client.config.ConfigChangeEvent;
import io.mse.client.config.ConfigKey;
import io.mse.client.naming.Instance;
import io.mse.client.naming.NamingEvent;
import io.mse.client.naming.ServiceKey;
import io.mse.client.testing.FakeEngine;
import io.mse.client.testing.FakeEngineProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many threads reading and selecting while updates arrive never see half an update: every instance
 * list read is one whole list the engine reported (all instances of one generation, as many as that
 * generation has), every pick belongs to a reported list, every config read is one whole content, and
 * each listener hears the changes of its key in the order they were made.
 */
@Timeout(120)
class ConcurrentReadsTest {

  private static final int READERS = 8;
  private static final int UPDATES = 1500;
  private static final String GROUP = "G";

  @TempDir
  Path dir;

  /** Generation g's list: 5 + g % 17 instances, each tagged with g. */
  private static List<Instance> generation(int g) {
    List<Instance> list = new ArrayList<>();
    for (int i = 0; i < 5 + g % 17; i++) {
      list.add(Instance.builder().ip("10.0." + (i / 250) + "." + (i % 250 + 1)).port(8000 + i)
          .metadata("gen", Integer.toString(g)).build());
    }
    return list;
  }

  /** Generation g's content: its number, then 4000 times one letter chosen by g. */
  private static String content(int g) {
    return "gen=" + g + ";" + String.valueOf((char) ('a' + g % 26)).repeat(4000);
  }

  private static void checkContent(String content, Queue<String> problems) {
    int g = Integer.parseInt(content.substring(4, content.indexOf(';')));
    if (!content.equals(content(g))) {
      problems.add("a config read that is no whole content, generation " + g);
    }
  }

  private static void checkList(List<Instance> list, Queue<String> problems) {
    if (list.isEmpty()) {
      problems.add("an empty list");
      return;
    }
    int g = Integer.parseInt(list.get(0).metadata().get("gen"));
    if (list.size() != 5 + g % 17 || list.stream().anyMatch(i -> !i.metadata().get("gen").equals(Integer.toString(g)))) {
      problems.add("a list that is no whole generation: " + list.size() + " instances, first of generation " + g);
    }
  }

  @Test
  void readersAndSelectorsSeeWholeListsAndContentsWhileUpdatesArrive() throws Exception {
    ServiceKey service = new ServiceKey("", GROUP, "busy-svc");
    ConfigKey key = new ConfigKey("", GROUP, "busy.properties");
    List<String> heardConfigs = new CopyOnWriteArrayList<>();
    List<Integer> heardLists = new CopyOnWriteArrayList<>();
    Queue<String> problems = new ConcurrentLinkedQueue<>();
    AtomicLong reads = new AtomicLong();
    try (MseClient client = MseClient.builder().serverAddr("fake://concurrent").snapshotDir(dir).build()) {
      FakeEngine engine = FakeEngineProvider.engine("concurrent");
      client.config().publishConfig(key.dataId(), GROUP, content(0));
      client.config().getConfigAndAddListener(key.dataId(), GROUP, Duration.ofSeconds(2),
          (ConfigChangeEvent e) -> heardConfigs.add(e.content()));
      for (Instance instance : generation(0)) {
        client.naming().registerInstance(service.service(), GROUP, instance);
      }
      client.naming().subscribe(service.service(), GROUP, (NamingEvent e) ->
          heardLists.add(Integer.parseInt(e.instances().get(0).metadata().get("gen"))));
      await().until(() -> client.naming().getAllInstances(service.service(), GROUP).size() == 5);

      AtomicBoolean updating = new AtomicBoolean(true);
      CountDownLatch started = new CountDownLatch(READERS);
      List<Thread> readers = new ArrayList<>();
      for (int r = 0; r < READERS; r++) {
        Thread reader = new Thread(() -> {
          started.countDown();
          while (updating.get()) {
            checkList(client.naming().getAllInstances(service.service(), GROUP), problems);
            checkList(client.naming().selectInstances(service.service(), GROUP, true), problems);
            Instance one = client.naming().selectOneHealthyInstance(service.service(), GROUP);
            if (one.port() - 8000 >= 5 + Integer.parseInt(one.metadata().get("gen")) % 17) {
              problems.add("a pick outside its generation's list: " + one);
            }
            checkContent(client.config().getConfig(key.dataId(), GROUP), problems);
            reads.incrementAndGet();
            Thread.yield(); // leave the notification thread its share of a 2-core machine
          }
        }, "reader-" + r);
        reader.start();
        readers.add(reader);
      }
      started.await();
      for (int g = 1; g <= UPDATES; g++) {
        engine.push(service, generation(g), false);
        engine.pushConfig(key, content(g));
      }
      engine.drain();
      await().atMost(Duration.ofSeconds(120)).until(() -> heardLists.contains(UPDATES)
          && heardConfigs.contains(content(UPDATES)));
      updating.set(false);
      for (Thread reader : readers) {
        reader.join(10_000);
      }
      System.err.println("[concurrency] " + reads.get() + " rounds of reads by " + READERS + " threads during "
          + UPDATES + " list and config updates");
      assertThat(problems).isEmpty();
      assertThat(reads.get()).isGreaterThan(READERS);
      // each listener heard its changes in order (the initial list first), none twice, the last one last
      assertThat(heardLists).isSorted().doesNotHaveDuplicates().endsWith(UPDATES);
      List<Integer> configGenerations = heardConfigs.stream()
          .map(c -> Integer.parseInt(c.substring(4, c.indexOf(';')))).toList();
      assertThat(configGenerations).isSorted().doesNotHaveDuplicates().endsWith(UPDATES);
    }
  }
}
