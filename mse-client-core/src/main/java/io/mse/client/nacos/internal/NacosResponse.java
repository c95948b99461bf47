package io.mse.client.nacos.internal;

/**
 * The answer of a Nacos server.
 *
 * @param status the HTTP status
 * @param body the body as UTF-8 text; "" when none
 * @param server the base URL of the server that answered
 * @param headerLookup reads a response header by name (null when absent)
 */
record NacosResponse(int status, String body, String server, java.util.function.Function<String, String> headerLookup) {

  /** Returns a response header, or null. */
  String header(String name) {
    return headerLookup.apply(name);
  }

  boolean ok() {
    return status == 200;
  }
}
