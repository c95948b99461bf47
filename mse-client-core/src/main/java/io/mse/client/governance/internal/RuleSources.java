package io.mse.client.governance.internal;

import io.mse.client.MseException;
import io.mse.client.config.ConfigChangeEvent;
import io.mse.client.config.ConfigListener;
import io.mse.client.config.ConfigService;
import io.mse.client.governance.GovernanceRules;
import io.mse.client.governance.InvalidRulesException;
import java.time.Duration;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three layers of rules (baseline document, application document, local rules) and their merge.
 * Documents are read with {@link ConfigService#getConfigAndAddListener} and re-read on every
 * publish; a document that fails validation is rejected with a WARN naming its problems and the
 * layer keeps its previous rules, as it does when the merged rules cannot be applied (the apply
 * function returns false); a removed document contributes no rule. Thread-safe (changes are
 * serialized by this object's lock).
 */
final class RuleSources {

  private static final Logger LOG = LoggerFactory.getLogger(RuleSources.class);

  static final String LOCAL = "local";

  private final ConfigService config;
  private final String group;
  private final String baselineDataId;
  private final String applicationDataId;
  private final GovernanceEvents events;
  /** Puts merged rules in force; false when they could not be (the previous ones stay). */
  private final BiPredicate<String, GovernanceRules> apply;
  private final ConfigListener baselineListener = this::onBaseline;
  private final ConfigListener applicationListener = this::onApplication;

  private GovernanceRules baseline = GovernanceRules.EMPTY;
  private GovernanceRules application = GovernanceRules.EMPTY;
  private GovernanceRules local;

  RuleSources(ConfigService config, String group, String baselineDataId, String applicationName,
      GovernanceRules local, GovernanceEvents events, BiPredicate<String, GovernanceRules> apply) {
    this.config = config;
    this.group = group;
    this.baselineDataId = baselineDataId;
    this.applicationDataId = applicationName == null || applicationName.isBlank() ? null
        : applicationName + io.mse.client.governance.Governance.APPLICATION_DATA_ID_SUFFIX;
    this.local = local;
    this.events = events;
    this.apply = apply;
  }

  /** Reads both documents and subscribes to them, then applies the merged rules once. */
  void start(Duration timeout) {
    if (config != null) {
      baseline = read(baselineDataId, timeout, baselineListener, GovernanceRules.EMPTY);
      if (applicationDataId != null) {
        application = read(applicationDataId, timeout, applicationListener, GovernanceRules.EMPTY);
      }
    }
    synchronized (this) {
      apply.test("start", merged());
    }
  }

  synchronized void setLocal(GovernanceRules rules) {
    GovernanceRules previous = local;
    local = rules;
    if (!apply.test(LOCAL, merged())) {
      local = previous;
    }
  }

  synchronized GovernanceRules merged() {
    return GovernanceRules.merge(GovernanceRules.merge(baseline, application), local);
  }

  void stop() {
    if (config == null) {
      return;
    }
    config.removeListener(baselineDataId, group, baselineListener);
    if (applicationDataId != null) {
      config.removeListener(applicationDataId, group, applicationListener);
    }
  }

  private void onBaseline(ConfigChangeEvent event) {
    synchronized (this) {
      GovernanceRules previous = baseline;
      baseline = parse(baselineDataId, event.content(), baseline);
      if (!apply.test(baselineDataId, merged())) {
        baseline = previous;
      }
    }
  }

  private void onApplication(ConfigChangeEvent event) {
    synchronized (this) {
      GovernanceRules previous = application;
      application = parse(applicationDataId, event.content(), application);
      if (!apply.test(applicationDataId, merged())) {
        application = previous;
      }
    }
  }

  private GovernanceRules read(String dataId, Duration timeout, ConfigListener listener, GovernanceRules previous) {
    try {
      return parse(dataId, config.getConfigAndAddListener(dataId, group, timeout, listener), previous);
    } catch (MseException e) {
      LOG.warn("Could not read governance rules '{}' in group '{}' ({}); starting without them", dataId, group,
          e.getMessage());
      try {
        config.addListener(dataId, group, listener);
      } catch (MseException again) {
        LOG.warn("Could not listen to governance rules '{}' either; they will not be applied", dataId);
      }
      return previous;
    }
  }

  private GovernanceRules parse(String dataId, String content, GovernanceRules previous) {
    if (content == null || content.isBlank()) {
      LOG.info("Governance rules '{}' in group '{}' are absent; no rule comes from them", dataId, group);
      return GovernanceRules.EMPTY;
    }
    try {
      GovernanceRules rules = GovernanceRules.parse(content);
      LOG.info("Governance rules '{}' in group '{}' accepted", dataId, group);
      return rules;
    } catch (InvalidRulesException e) {
      LOG.warn("Governance rules '{}' in group '{}' rejected; the previous rules stay in force: {}", dataId, group,
          String.join("; ", e.problems()));
      events.rulesRejected(dataId, e.getMessage());
      return previous;
    }
  }
}
