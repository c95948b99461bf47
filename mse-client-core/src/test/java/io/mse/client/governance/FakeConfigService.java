package io.mse.client.governance;

import io.mse.client.config.ConfigChangeEvent;
import io.mse.client.config.ConfigKey;
import io.mse.client.config.ConfigListener;
import io.mse.client.config.ConfigService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory config center: a publish notifies the listeners of a changed key at once, on the caller. */
public final class FakeConfigService implements ConfigService {

  private final Map<String, String> contents = new ConcurrentHashMap<>();
  private final Map<String, List<ConfigListener>> listeners = new ConcurrentHashMap<>();

  private static String key(String dataId, String group) {
    return (group == null ? "DEFAULT_GROUP" : group) + "/" + dataId;
  }

  public int listeners(String dataId, String group) {
    return listeners.getOrDefault(key(dataId, group), List.of()).size();
  }

  @Override
  public String getConfig(String dataId, String group) {
    return contents.get(key(dataId, group));
  }

  @Override
  public String getConfig(String dataId, String group, Duration timeout) {
    return getConfig(dataId, group);
  }

  @Override
  public String getConfigAndAddListener(String dataId, String group, Duration timeout, ConfigListener listener) {
    addListener(dataId, group, listener);
    return getConfig(dataId, group);
  }

  @Override
  public boolean publishConfig(String dataId, String group, String content) {
    String previous = contents.put(key(dataId, group), content);
    if (!Objects.equals(previous, content)) {
      notify(dataId, group, content, previous);
    }
    return true;
  }

  @Override
  public boolean publishConfig(String dataId, String group, String content, String type) {
    return publishConfig(dataId, group, content);
  }

  @Override
  public boolean publishConfigCas(String dataId, String group, String content, String casMd5) {
    return publishConfig(dataId, group, content);
  }

  @Override
  public boolean removeConfig(String dataId, String group) {
    String previous = contents.remove(key(dataId, group));
    if (previous != null) {
      notify(dataId, group, null, previous);
    }
    return true;
  }

  @Override
  public void addListener(String dataId, String group, ConfigListener listener) {
    List<ConfigListener> list = listeners.computeIfAbsent(key(dataId, group), k -> new CopyOnWriteArrayList<>());
    if (!list.contains(listener)) {
      list.add(listener);
    }
  }

  @Override
  public void removeListener(String dataId, String group, ConfigListener listener) {
    listeners.getOrDefault(key(dataId, group), new CopyOnWriteArrayList<>()).remove(listener);
  }

  private void notify(String dataId, String group, String content, String previous) {
    ConfigChangeEvent event = new ConfigChangeEvent(ConfigKey.of(dataId, group), content, content == null ? "" : "md5",
        previous);
    for (ConfigListener l : listeners.getOrDefault(key(dataId, group), List.of())) {
      l.onChange(event);
    }
  }
}
