package io.mse.client.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.mse.client.ClientStats;
import io.mse.client.MseClient;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Binds every meter of an {@link MseClient} and of its governance to a Micrometer registry: the one
 * call plain users make.
 *
 * <pre>{@code
 * new MseClientMetrics(client).bindTo(registry);
 * }</pre>
 *
 * <p>The meters, their types and tags are listed in one table in {@code docs/metrics.md}: the
 * client's {@code mse.client.*} (read from {@link MseClient#stats()}) and the governance's
 * {@code mse.governance.*} ({@link GovernanceMetrics}). Every meter carries the tags {@code namespace}
 * (the client's namespace id, {@code public} for the public one), {@code server} (the client's
 * server address, any {@code user:password@} removed) and {@code application} (the client's
 * application name, {@code none} when it has none: two clients of one JVM on one server and namespace
 * stay apart), plus the tags given here.
 *
 * <p>Binding makes the client's governance if it was not made yet ({@link MseClient#governance()},
 * which reads its rule documents). The meters read live counts when the registry is scraped: no I/O,
 * lock or allocation is added to reads or decisions (see {@link GovernanceMetrics} for the governance's
 * small cost while observed). Meters stay registered after the client is closed, frozen at their last
 * values. Thread-safe; binding to several registries is allowed.
 */
public final class MseClientMetrics implements MeterBinder {

  private final MseClient client;
  private final Tags tags;

  /** Binds {@code client}'s meters with the {@code namespace} and {@code server} tags only. */
  public MseClientMetrics(MseClient client) {
    this(client, Tags.empty());
  }

  /**
   * @param client the client to observe
   * @param tags added to every meter (for example an {@code application} tag)
   */
  public MseClientMetrics(MseClient client, Iterable<Tag> tags) {
    this.client = Objects.requireNonNull(client, "client");
    String namespace = client.settings().namespace();
    String application = client.settings().applicationName();
    this.tags = Tags.of("namespace", namespace.isEmpty() ? "public" : namespace,
        "server", withoutUserInfo(client.settings().serverAddr()),
        "application", application == null ? "none" : application).and(Objects.requireNonNull(tags, "tags"));
  }

  /** Returns {@code address} without the {@code user:password@} of any URL in it. */
  static String withoutUserInfo(String address) {
    return address.replaceAll("(^|//|,)[^/@,]*@", "$1");
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    ClientStats stats = client.stats();
    Gauge.builder("mse.client.configs.listened", stats, ClientStats::configsListened)
        .description("Config keys with at least one listener").tags(tags).register(registry);
    Gauge.builder("mse.client.services.subscribed", stats, ClientStats::servicesSubscribed)
        .description("Services with at least one subscriber").tags(tags).register(registry);
    counter(registry, "mse.client.snapshot.reads", "Reads served from the snapshot while no server could be reached",
        stats, ClientStats::configSnapshotReads, "kind", "config");
    counter(registry, "mse.client.snapshot.reads", "Reads served from the snapshot while no server could be reached",
        stats, ClientStats::serviceSnapshotReads, "kind", "service");
    FunctionTimer.builder("mse.client.long.polls", stats, ClientStats::longPolls, ClientStats::longPollNanos,
            TimeUnit.NANOSECONDS)
        .description("Config long-poll round trips and their duration").tags(tags).register(registry);
    counter(registry, "mse.client.changes.delivered", "Changes delivered to listeners",
        stats, ClientStats::configChangesDelivered, "kind", "config");
    counter(registry, "mse.client.changes.delivered", "Changes delivered to listeners",
        stats, ClientStats::serviceChangesDelivered, "kind", "service");
    counter(registry, "mse.client.push.received", "Push packets received", stats, ClientStats::pushesReceived);
    counter(registry, "mse.client.push.acked", "Push acknowledgements sent", stats, ClientStats::pushesAcked);
    for (ClientStats.PushIgnored reason : ClientStats.PushIgnored.values()) {
      counter(registry, "mse.client.push.ignored", "Push packets not applied, by reason",
          stats, s -> s.pushesIgnored(reason), "reason", lower(reason));
    }
    counter(registry, "mse.client.server.failovers", "Requests moved on to another server after a failure",
        stats, ClientStats::serverFailovers);
    counter(registry, "mse.client.logins", "Logins that obtained an access token", stats, ClientStats::logins);
    for (ClientStats.TokenRenewal why : ClientStats.TokenRenewal.values()) {
      counter(registry, "mse.client.token.renewals", "Logins that replaced a held access token, by reason",
          stats, s -> s.tokenRenewals(why), "reason", lower(why));
    }
    for (ClientStats.RequestOutcome outcome : ClientStats.RequestOutcome.values()) {
      counter(registry, "mse.client.requests", "Requests to the server, by outcome",
          stats, s -> s.requests(outcome), "outcome", lower(outcome));
    }
    new GovernanceMetrics(client.governance(), tags).bindTo(registry);
  }

  private void counter(MeterRegistry registry, String name, String description, ClientStats stats,
      ToDoubleFunction<ClientStats> count, String... extraTags) {
    FunctionCounter.builder(name, stats, count).description(description).tags(tags.and(extraTags))
        .register(registry);
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
