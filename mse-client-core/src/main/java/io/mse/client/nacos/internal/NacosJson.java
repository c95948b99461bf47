package io.mse.client.nacos.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The one Jackson {@link ObjectMapper} of the Nacos engine (default settings), and the lenient reads
 * its answers need. Thread-safe: the mapper is configured once and only used after.
 */
final class NacosJson {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private NacosJson() {}

  /** Parses {@code text}; the missing node when it is not JSON or empty. */
  static JsonNode readOrMissing(String text) {
    try {
      JsonNode json = MAPPER.readTree(text);
      return json == null ? MAPPER.missingNode() : json;
    } catch (IOException e) {
      return MAPPER.missingNode();
    }
  }
}
