package io.mse.client.spring.config;

import static io.mse.client.spring.config.ImportTesting.dataId;
import static io.mse.client.spring.config.ImportTesting.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mse.client.spring.config.RebindApp.ShopProperties;
import io.mse.client.spring.config.RebindApp.ShopView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * How a change reaches the beans: {@code @ConfigurationProperties} beans bound off to the side and
 * switched with the Environment and the refresh scope in one step, never through a default; on the
 * embedded engine.
 */
class MseConfigRebindTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Pattern VERSIONED = Pattern.compile("v(\\d+)");

  @RegisterExtension
  static final EmbeddedConfigs configs = new EmbeddedConfigs();

  /** Version {@code i} of the shop config: every property says {@code v<i>}. */
  private static String shop(int i) {
    return "shop:\n  label: v" + i + "\n  version: " + i + "\n  tags: [v" + i + "-a, v" + i + "-b, v" + i + "-c]\n"
        + "  limits:\n    a: v" + i + "\n    b: v" + i + "\n  nested:\n    code: v" + i + "\n";
  }

  @Test
  void readersNeverSeeADefaultOrAPartBuiltValueWhileManyChangesArrive() throws Exception {
    String dataId = dataId("shop.yaml");
    configs.publish(dataId, null, shop(0));
    int changes = 30;

    try (ConfigurableApplicationContext context = start(configs.snapshots(), RebindApp.class,
        "spring.config.import=mse:" + dataId)) {
      ShopProperties shop = context.getBean(ShopProperties.class);
      ShopView view = context.getBean(ShopView.class);
      ConfigurableEnvironment env = context.getEnvironment();
      Readers readers = new Readers(shop, view, env);
      readers.start(3);
      try {
        for (int i = 1; i <= changes; i++) {
          configs.publish(dataId, null, shop(i));
          int expected = i;
          await().atMost(WAIT).until(() -> shop.getVersion() == expected && view.version() == expected);
        }
      } finally {
        readers.stop();
      }

      assertThat(readers.anomalies).as("values that were a default, part-built, older than one seen before, or a"
          + " @RefreshScope bean ahead of the @ConfigurationProperties bean").isEmpty();
      assertThat(readers.reads.get()).as("the readers read throughout").isGreaterThan(changes * 20L);
      assertThat(shop.getTags()).containsExactly("v30-a", "v30-b", "v30-c");
      assertThat(shop.getLimits()).containsExactly(Map.entry("a", "v30"), Map.entry("b", "v30"));
    }
  }

  /** Threads reading the beans and the Environment as callers do, noting anything a caller must never see. */
  private static final class Readers {
    final Queue<String> anomalies = new ConcurrentLinkedQueue<>();
    final AtomicLong reads = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final ShopProperties shop;
    private final ShopView view;
    private final ConfigurableEnvironment env;

    Readers(ShopProperties shop, ShopView view, ConfigurableEnvironment env) {
      this.shop = shop;
      this.view = view;
      this.env = env;
    }

    void start(int count) {
      for (int i = 0; i < count; i++) {
        Thread thread = new Thread(this::read, "rebind-reader-" + i);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
      }
    }

    void stop() throws InterruptedException {
      running.set(false);
      for (Thread thread : threads) {
        thread.join(10_000);
      }
    }

    private void read() {
      int[] highest = new int[6];
      while (running.get()) {
        // the @RefreshScope bean first: the @ConfigurationProperties bean switched before it, so is never behind it
        int built = view.version();
        int bound = shop.getVersion();
        if (bound < built) {
          note("the @ConfigurationProperties bean (v" + bound + ") behind the @RefreshScope bean (v" + built + ")");
        }
        check(highest, 0, "version", bound);
        check(highest, 1, "label", version("label", shop.getLabel()));
        check(highest, 2, "tags", sameVersion("tags", shop.getTags(), 3));
        check(highest, 3, "limits", sameVersion("limits", List.copyOf(shop.getLimits().values()), 2));
        check(highest, 4, "nested.code", version("nested.code", shop.getNested().getCode()));
        check(highest, 5, "Environment shop.label", version("Environment shop.label", env.getProperty("shop.label")));
        reads.incrementAndGet();
        LockSupport.parkNanos(20_000);
      }
    }

    private void check(int[] highest, int index, String what, int version) {
      if (version < 0) {
        return;   // noted already
      }
      if (version < highest[index]) {
        note(what + " went back from v" + highest[index] + " to v" + version);
      }
      highest[index] = Math.max(highest[index], version);
    }

    private int version(String what, String value) {
      Matcher matcher = value == null ? null : VERSIONED.matcher(value);
      if (matcher == null || !matcher.matches()) {
        note(what + " was '" + value + "'");
        return -1;
      }
      return Integer.parseInt(matcher.group(1));
    }

    /** The version all elements share; -1 (noted) when there are not {@code size} of them or they differ. */
    private int sameVersion(String what, List<String> values, int size) {
      List<String> copy = List.copyOf(values);
      Set<String> versions = new java.util.HashSet<>();
      copy.forEach(value -> versions.add(value.replaceAll("-.*", "")));
      if (copy.size() != size || versions.size() != 1) {
        note(what + " was " + copy);
        return -1;
      }
      return version(what, versions.iterator().next());
    }

    private void note(String anomaly) {
      if (anomalies.size() < 50) {
        anomalies.add(anomaly);
      }
    }
  }

  @Test
  void aRemovedPropertyGoesBackToItsDefaultAndNestedBeansKeepTheirIdentity() {
    String dataId = dataId("shop.yaml");
    configs.publish(dataId, null, shop(1));

    try (ConfigurableApplicationContext context = start(configs.snapshots(), RebindApp.class,
        "spring.config.import=mse:" + dataId)) {
      ShopProperties shop = context.getBean(ShopProperties.class);
      ShopProperties.Nested nested = shop.getNested();
      assertThat(nested.getCode()).isEqualTo("v1");

      configs.publish(dataId, null, "shop:\n  version: 2\n  nested:\n    code: v2\n");

      await().atMost(WAIT).until(() -> shop.getVersion() == 2);
      assertThat(shop.getLabel()).as("removed: the class's default").isEqualTo("none");
      assertThat(shop.getTags()).isEmpty();
      assertThat(shop.getLimits()).isEmpty();
      assertThat(shop.getNested()).isSameAs(nested);
      assertThat(nested.getCode()).isEqualTo("v2");
    }
  }

  @Test
  void onlyTheBeansAChangeConcernsAreReboundAndSpringCloudsRebinderStaysOutOfIt() {
    String dataId = dataId("shop.properties");
    configs.publish(dataId, null, "shop.version=1\nother.value=from-config\n");

    try (ConfigurableApplicationContext context = start(configs.snapshots(), RebindApp.class,
        "spring.config.import=mse:" + dataId)) {
      ShopProperties shop = context.getBean(ShopProperties.class);
      RebindApp.OtherProperties other = context.getBean(RebindApp.OtherProperties.class);
      RebindApp.EnvironmentChanges changes = context.getBean(RebindApp.EnvironmentChanges.class);
      other.setValue("set-by-hand");   // any rebinding of this bean would put from-config back

      configs.publish(dataId, null, "shop.version=2\nother.value=from-config\n");

      await().atMost(WAIT).until(() -> shop.getVersion() == 2);
      await().atMost(WAIT).until(() -> !changes.keys.isEmpty());
      assertThat(other.getValue()).as("neither we nor Spring Cloud's rebinder rebound it").isEqualTo("set-by-hand");
      assertThat(changes.keys).singleElement().isEqualTo(Set.of("shop.version"));
      assertThat(changes.sources).singleElement().isNotSameAs(context);
    }
  }

  @Test
  void springCloudsRebinderStillRebindsOnItsOwnEvents() {
    String dataId = dataId("shop.properties");
    configs.publish(dataId, null, "shop.version=1\n");

    try (ConfigurableApplicationContext context = start(configs.snapshots(), RebindApp.class,
        "spring.config.import=mse:" + dataId)) {
      RebindApp.OtherProperties other = context.getBean(RebindApp.OtherProperties.class);
      context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test", Map.of("other.value", "x")));

      // what /actuator/refresh (ContextRefresher) and /actuator/env do after changing the Environment
      context.publishEvent(new EnvironmentChangeEvent(context, Set.of("other.value")));

      assertThat(other.getValue()).isEqualTo("x");
    }
  }

  @Test
  void aChangeThatDoesNotBindIsRefusedWholeAndTheNextGoodOneApplies() {
    String dataId = dataId("shop.properties");
    configs.publish(dataId, null, "shop.version=1\nshop.label=v1\nchecked.size=2\n");

    try (ConfigurableApplicationContext context = start(configs.snapshots(), RebindApp.class,
        "spring.config.import=mse:" + dataId)) {
      ShopProperties shop = context.getBean(ShopProperties.class);
      RebindApp.CheckedProperties checked = context.getBean(RebindApp.CheckedProperties.class);
      ConfigurableEnvironment env = context.getEnvironment();

      CapturedLog log = new CapturedLog();
      try (log) {
        configs.publish(dataId, null, "shop.version=two\nshop.label=v2\nchecked.size=2\n");
        await().atMost(WAIT).until(() -> log.toString().contains("The change is refused"));
        configs.publish(dataId, null, "shop.version=3\nshop.label=v3\nchecked.size=0\n");
        await().atMost(WAIT).until(() -> log.toString().contains("(prefix 'checked')"));
      }
      assertThat(log.toString()).contains("do not bind to the @ConfigurationProperties bean 'shop-")
          .contains("(prefix 'shop')").contains("two").contains("(prefix 'checked')");
      assertThat(env.getProperty("shop.label")).as("the Environment did not change either").isEqualTo("v1");
      assertThat(shop.getLabel()).isEqualTo("v1");
      assertThat(shop.getVersion()).isEqualTo(1);
      assertThat(checked.getSize()).isEqualTo(2);

      configs.publish(dataId, null, "shop.version=4\nshop.label=v4\nchecked.size=5\n");
      await().atMost(WAIT).until(() -> shop.getVersion() == 4);
      assertThat(checked.getSize()).isEqualTo(5);
      assertThat(env.getProperty("shop.label")).isEqualTo("v4");
    }
  }

  @Test
  void aBeanWithLifecycleCallbacksIsReboundInPlaceWithThemRunAgain() {
    String dataId = dataId("init.properties");
    configs.publish(dataId, null, "initialized.name=first\n");

    try (ConfigurableApplicationContext context = start(configs.snapshots(), RebindApp.class,
        "spring.config.import=mse:" + dataId)) {
      RebindApp.InitializedProperties initialized = context.getBean(RebindApp.InitializedProperties.class);
      assertThat(initialized.upperName()).isEqualTo("FIRST");

      configs.publish(dataId, null, "initialized.name=second\n");

      await().atMost(WAIT).untilAsserted(() -> assertThat(initialized.upperName()).isEqualTo("SECOND"));
      assertThat(initialized.getName()).isEqualTo("second");
    }
  }
}
