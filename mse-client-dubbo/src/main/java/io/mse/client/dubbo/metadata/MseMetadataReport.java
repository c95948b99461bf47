package io.mse.client.dubbo.metadata;

import static org.apache.dubbo.common.constants.CommonConstants.GROUP_KEY;
import static org.apache.dubbo.metadata.MetadataConstants.REPORT_CONSUMER_URL_KEY;
import static org.apache.dubbo.metadata.ServiceNameMapping.DEFAULT_MAPPING_GROUP;
import static org.apache.dubbo.metadata.ServiceNameMapping.getAppNames;

import io.mse.client.MseException;
import io.mse.client.config.ConfigService;
import io.mse.client.dubbo.config.ConfigWatches;
import io.mse.client.dubbo.config.Md5Hex;
import io.mse.client.dubbo.registry.SharedClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.common.config.configcenter.ConfigItem;
import org.apache.dubbo.common.utils.JsonUtils;
import org.apache.dubbo.common.utils.StringUtils;
import org.apache.dubbo.metadata.MappingChangedEvent;
import org.apache.dubbo.metadata.MappingListener;
import org.apache.dubbo.metadata.MetadataInfo;
import org.apache.dubbo.metadata.report.identifier.BaseMetadataIdentifier;
import org.apache.dubbo.metadata.report.identifier.KeyTypeEnum;
import org.apache.dubbo.metadata.report.identifier.MetadataIdentifier;
import org.apache.dubbo.metadata.report.identifier.ServiceMetadataIdentifier;
import org.apache.dubbo.metadata.report.identifier.SubscriberMetadataIdentifier;
import org.apache.dubbo.metadata.report.support.AbstractMetadataReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dubbo's metadata report on an mse-client {@link ConfigService}, storing what Dubbo's Nacos metadata
 * report 3.3 stores, where it stores it:
 * <ul>
 *   <li>the interface → application mapping: dataId = the interface name, group {@code mapping}, content
 *       the comma-separated application names, extended by compare-and-set (Dubbo's
 *       {@code MetadataServiceNameMapping} reads an item, appends its application and publishes with the
 *       item's ticket: here the content's MD5, or "" when absent, which creates the config only if it is
 *       still absent);</li>
 *   <li>an application's metadata of a revision (with {@code dubbo.metadata.storage-type=remote}):
 *       dataId = the application, group = the revision, content Dubbo's JSON;</li>
 *   <li>service definitions, exported and subscribed URLs: dataId = Dubbo's unique key of the identifier
 *       ({@code interface:version:group:side:application}...), group = the URL's {@code group} parameter
 *       ({@code dubbo} by default).</li>
 * </ul>
 * Mapping listeners are called on this report's own thread and never lost (see {@link ConfigWatches}).
 * Dubbo's {@link AbstractMetadataReport} adds its retries and local cache. Thread-safe.
 */
final class MseMetadataReport extends AbstractMetadataReport {

  private static final Logger LOG = LoggerFactory.getLogger(MseMetadataReport.class);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(3);

  private final SharedClients.Lease lease;
  private final ConfigService config;
  private final String group;
  private final ConfigWatches watches;
  private final Map<String, Set<MappingListener>> mappingListeners = new ConcurrentHashMap<>();

  MseMetadataReport(URL url, SharedClients.Lease lease) {
    super(url);
    this.lease = lease;
    this.config = lease.client().config();
    this.group = url.getParameter(GROUP_KEY, DEFAULT_ROOT);
    this.watches = new ConfigWatches(config, READ_TIMEOUT, "mse-dubbo-metadata-notify");
  }

  @Override
  public void publishAppMetadata(SubscriberMetadataIdentifier identifier, MetadataInfo metadataInfo) {
    if (metadataInfo.getContent() != null) {
      config.publishConfig(identifier.getApplication(), identifier.getRevision(), metadataInfo.getContent());
    }
  }

  @Override
  public void unPublishAppMetadata(SubscriberMetadataIdentifier identifier, MetadataInfo metadataInfo) {
    config.removeConfig(identifier.getApplication(), identifier.getRevision());
  }

  /** Returns the application metadata of a revision; null when it is absent. */
  @Override
  public MetadataInfo getAppMetadata(SubscriberMetadataIdentifier identifier, Map<String, String> instanceMetadata) {
    String content = config.getConfig(identifier.getApplication(), identifier.getRevision(), READ_TIMEOUT);
    return content == null ? null : JsonUtils.toJavaObject(content, MetadataInfo.class);
  }

  @Override
  protected void doStoreProviderMetadata(MetadataIdentifier identifier, String serviceDefinitions) {
    store(identifier, serviceDefinitions);
  }

  @Override
  protected void doStoreConsumerMetadata(MetadataIdentifier identifier, String value) {
    if (getUrl().getParameter(REPORT_CONSUMER_URL_KEY, false)) {
      store(identifier, value);
    }
  }

  @Override
  protected void doSaveMetadata(ServiceMetadataIdentifier identifier, URL url) {
    store(identifier, URL.encode(url.toFullString()));
  }

  @Override
  protected void doRemoveMetadata(ServiceMetadataIdentifier identifier) {
    config.removeConfig(dataId(identifier), group);
  }

  @Override
  protected List<String> doGetExportedURLs(ServiceMetadataIdentifier identifier) {
    String content = read(identifier);
    return StringUtils.isEmpty(content) ? Collections.emptyList() : new ArrayList<>(List.of(URL.decode(content)));
  }

  @Override
  protected void doSaveSubscriberData(SubscriberMetadataIdentifier identifier, String urlListStr) {
    store(identifier, urlListStr);
  }

  @Override
  protected String doGetSubscribedURLs(SubscriberMetadataIdentifier identifier) {
    return read(identifier);
  }

  @Override
  public String getServiceDefinition(MetadataIdentifier identifier) {
    return read(identifier);
  }

  /**
   * Publishes the mapping {@code content} of {@code key} if its MD5 is still {@code ticket}'s (a
   * {@link #getConfigItem} ticket); false on a conflict or a failure, which Dubbo retries.
   */
  @Override
  public boolean registerServiceAppMapping(String key, String mappingGroup, String content, Object ticket) {
    if (!(ticket instanceof String)) {
      throw new IllegalArgumentException("ticket " + ticket + " is invalid: it is the String of getConfigItem");
    }
    try {
      return config.publishConfigCas(key, mappingGroup, content, (String) ticket);
    } catch (MseException e) {
      LOG.warn("Could not publish the mapping of '{}': {}", key, e.getMessage());
      return false;
    }
  }

  /** Returns a config and, as its compare-and-set ticket, its MD5 ("" when absent). */
  @Override
  public ConfigItem getConfigItem(String key, String itemGroup) {
    String content = readQuietly(key, itemGroup);
    return new ConfigItem(content, StringUtils.isEmpty(content) ? "" : Md5Hex.of(content));
  }

  /**
   * Returns the applications of an interface and calls {@code listener} with them on each later change of
   * the mapping (a removal is not passed on, as with Dubbo's Nacos report).
   */
  @Override
  public Set<String> getServiceAppMapping(String serviceKey, MappingListener listener, URL url) {
    Set<MappingListener> listeners = mappingListeners.computeIfAbsent(serviceKey, k -> new CopyOnWriteArraySet<>());
    listeners.add(listener);
    String content = watches.add(serviceKey, DEFAULT_MAPPING_GROUP, this, event -> {
      if (!event.removed()) {
        MappingChangedEvent changed = new MappingChangedEvent(serviceKey, getAppNames(event.content()));
        mappingListeners.getOrDefault(serviceKey, Set.of()).forEach(l -> l.onEvent(changed));
      }
    });
    return getAppNames(content);
  }

  @Override
  public void removeServiceAppMappingListener(String serviceKey, MappingListener listener) {
    Set<MappingListener> listeners = mappingListeners.get(serviceKey);
    if (listeners != null && listeners.remove(listener) && listeners.isEmpty()) {
      mappingListeners.remove(serviceKey, listeners);
      watches.remove(serviceKey, DEFAULT_MAPPING_GROUP, this);
    }
  }

  @Override
  public Set<String> getServiceAppMapping(String serviceKey, URL url) {
    return getAppNames(readQuietly(serviceKey, DEFAULT_MAPPING_GROUP));
  }

  /** Stops Dubbo's report tasks and the mapping listeners, then lets go of the client. */
  @Override
  public void destroy() {
    try {
      super.destroy();
    } finally {
      watches.close();
      lease.close();
    }
  }

  private void store(BaseMetadataIdentifier identifier, String value) {
    if (!config.publishConfig(dataId(identifier), group, value)) {
      throw new IllegalStateException("the server did not store the metadata '" + dataId(identifier) + "'");
    }
  }

  private String read(BaseMetadataIdentifier identifier) {
    return config.getConfig(dataId(identifier), group, READ_TIMEOUT);
  }

  private String readQuietly(String dataId, String itemGroup) {
    try {
      return config.getConfig(dataId, itemGroup, READ_TIMEOUT);
    } catch (MseException e) {
      LOG.warn("Could not read '{}' of group '{}': {}", dataId, itemGroup, e.getMessage());
      return null;
    }
  }

  private static String dataId(BaseMetadataIdentifier identifier) {
    return identifier.getUniqueKey(KeyTypeEnum.UNIQUE_KEY);
  }
}
