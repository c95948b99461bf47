package io.mse.client.governance.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * The one Jackson {@link ObjectMapper} of governance, and the strict reader of rule documents made
 * from it. Both are immutable once built and thread-safe.
 */
final class GovernanceJson {

  /** Reads JSON trees with Jackson's defaults (the Sentinel rules importer). */
  static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * Reads rule documents: a duplicate key or a token after the document is an error, as an unknown
   * property would be were the document bound to classes.
   */
  static final ObjectReader STRICT = MAPPER.reader()
      .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private GovernanceJson() {}
}
