package io.mse.client.nacos.internal;

import io.mse.client.MseException;
import io.mse.client.config.ConfigKey;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wire format of Nacos config long polling ({@code POST {ctx}/v1/cs/configs/listener}).
 *
 * <p>Request: the form field {@code Listening-Configs} is the concatenation of one entry per key,
 * {@code dataId 0x02 group 0x02 md5 0x01}, or with a tenant {@code dataId 0x02 group 0x02 md5 0x02
 * tenant 0x01}; the public namespace has no tenant field. Answer: the changed keys, URL-encoded,
 * {@code dataId 0x02 group [0x02 tenant] 0x01 ...} plus a trailing newline; empty when nothing
 * changed. Stateless and thread-safe.
 */
final class ListeningConfigs {

  private static final Logger LOG = LoggerFactory.getLogger(ListeningConfigs.class);
  static final char FIELD = '\u0002';
  static final char ENTRY = '\u0001';

  static final String LISTENER_PATH = "/v1/cs/configs/listener";

  private ListeningConfigs() {}

  /**
   * Builds a poll of {@code sent}: the keys and their MD5s, {@code Long-Pulling-Timeout} {@code hold},
   * {@code Long-Pulling-Timeout-No-Hangup} when {@code noHangup}, and a deadline of 1.5 times the hold.
   */
  static NacosRequest request(Map<ConfigKey, PollBatch.WatchedConfig> sent, boolean noHangup, Duration hold) {
    Map<ConfigKey, String> md5s = new LinkedHashMap<>();
    sent.forEach((key, watch) -> md5s.put(key, watch.md5Hex()));
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Long-Pulling-Timeout", Long.toString(hold.toMillis()));
    if (noHangup) {
      headers.put("Long-Pulling-Timeout-No-Hangup", "true");
    }
    return new NacosRequest("POST", LISTENER_PATH, Map.of(),
        Map.of("Listening-Configs", encode(md5s)), headers, hold.plus(hold.dividedBy(2)),
        sent.size() == 1 ? sent.keySet().iterator().next().toString() : sent.size() + " configs", true);
  }

  /**
   * Returns the changed keys of a poll's answer.
   *
   * @throws MseException when the answer is not a 2xx, or is a body none of whose entries is a
   *     changed config (an HTML page, a proxy's message): such an answer is a fault to back off from,
   *     not "nothing changed" to poll again at once, which would loop as fast as it is answered
   */
  static List<ConfigKey> changedKeys(String resource, NacosResponse response) {
    if (!response.ok()) {
      throw new MseException(resource, "Nacos " + response.server() + " answered the poll of " + resource
          + " with " + response.status() + " " + NacosText.abbreviate(response.body()));
    }
    List<String> malformed = new ArrayList<>();
    List<ConfigKey> changed = decode(response.body(), malformed);
    if (changed.isEmpty() && !malformed.isEmpty()) {
      throw new MseException(resource, "Nacos " + response.server() + " answered the poll of " + resource
          + " with something that is no list of changed configs: " + NacosText.abbreviate(response.body()));
    }
    if (!malformed.isEmpty()) {
      LOG.warn("Ignoring {} malformed changed-config entr(ies) in an answer of {}: {}", malformed.size(),
          response.server(), NacosText.abbreviate(String.join(" ", malformed)));
    }
    if (!changed.isEmpty()) {
      LOG.debug("Changed configs: {}", changed);
    }
    return changed;
  }

  /** Encodes keys and the MD5 the client holds for each ("" when it holds none). */
  static String encode(Map<ConfigKey, String> md5ByKey) {
    StringBuilder out = new StringBuilder(md5ByKey.size() * 80);
    md5ByKey.forEach((key, md5) -> {
      out.append(key.dataId()).append(FIELD).append(key.group()).append(FIELD).append(md5);
      if (!key.namespace().isEmpty()) {
        out.append(FIELD).append(key.namespace());
      }
      out.append(ENTRY);
    });
    return out.toString();
  }

  /**
   * Decodes a listener answer into the changed keys; entries that are not 2 or 3 fields of legal
   * names are skipped.
   */
  static List<ConfigKey> decodeChanged(String body) {
    return decode(body, new ArrayList<>());
  }

  /** As {@link #decodeChanged}, adding each skipped entry (printable) to {@code malformed}. */
  private static List<ConfigKey> decode(String body, List<String> malformed) {
    List<ConfigKey> changed = new ArrayList<>();
    if (body == null || body.isBlank()) {
      return changed;
    }
    String decoded;
    try {
      decoded = URLDecoder.decode(body.strip(), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      malformed.add(printable(body.strip()));
      return changed;
    }
    for (String entry : decoded.split(String.valueOf(ENTRY))) {
      String trimmed = entry.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      String[] fields = trimmed.split(String.valueOf(FIELD), -1);
      try {
        if (fields.length == 2) {
          changed.add(new ConfigKey("", fields[1], fields[0]));
        } else if (fields.length == 3) {
          changed.add(new ConfigKey(fields[2], fields[1], fields[0]));
        } else {
          malformed.add(printable(trimmed));
        }
      } catch (IllegalArgumentException e) {
        malformed.add(printable(trimmed));
      }
    }
    return changed;
  }

  private static String printable(String text) {
    return text.replace(FIELD, '|').replace(ENTRY, ';');
  }
}
