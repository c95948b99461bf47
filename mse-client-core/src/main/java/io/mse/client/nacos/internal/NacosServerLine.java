package io.mse.client.nacos.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.mse.client.ServerUnavailableException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The line of a Nacos server, which decides the paths of its login and admin APIs: 2.x (and older)
 * serve them under {@code /v1}, 3.x under {@code /v3/auth} and {@code /v3/admin} (its {@code /v1}
 * console API answers 404 "No endpoint", its {@code PUT /v1/ns/instance} 410 Gone).
 *
 * <p>Detected once per transport by {@link #detect}: {@code GET {ctx}/v3/admin/core/state}, which a
 * 3.x server answers without a login ({@code {"code":0,"data":{"version":"3.0.3",...}}}, also with auth
 * on) and a 2.x server answers 404. Immutable and thread-safe.
 */
enum NacosServerLine {

  /** Nacos 2.x or older: the {@code /v1} login, console and naming admin APIs. */
  V2("/v1/auth/login", "/v1/cs/configs", "group"),
  /** Nacos 3.x: {@code /v3/auth/user/login}, {@code /v3/admin/...}, answers wrapped as {@code {"code":0,"data":...}}. */
  V3("/v3/auth/user/login", "/v3/client/cs/config", "groupName");

  static final String STATE_PATH = "/v3/admin/core/state";
  private static final Logger LOG = LoggerFactory.getLogger(NacosServerLine.class);

  private final String loginPath;
  private final String configPath;
  private final String groupParameter;

  NacosServerLine(String loginPath, String configPath, String groupParameter) {
    this.loginPath = loginPath;
    this.configPath = configPath;
    this.groupParameter = groupParameter;
  }

  /** The path of the username/password login, after the context path. */
  String loginPath() {
    return loginPath;
  }

  /**
   * An unsigned read of a config that does not exist, whose answer tells whether the server demands a
   * login of its clients: 403 when it does; 404 (2.x) or 200 {@code "code":20004} (3.x) when not.
   */
  NacosRequest loginProbe(Duration timeout) {
    return NacosRequest.get(configPath, Map.of("dataId", "mse-client.login-probe", groupParameter, "DEFAULT_GROUP"),
        timeout, "login probe");
  }

  /**
   * Asks the server its line, unsigned (the state endpoint needs no login on any line).
   *
   * @throws io.mse.client.ServerUnavailableException when no server answered; nothing is decided then
   */
  /** The state endpoint of the 2.x line (3.x answers 404 there). */
  static final String V2_STATE_PATH = "/v1/console/server/state";

  static NacosServerLine detect(NacosTransport transport, Duration timeout) {
    NacosResponse response = transport.sendUnsigned(NacosRequest.get(STATE_PATH, Map.of(), timeout, "server state"));
    if (response.status() == 404) {
      LOG.debug("Nacos {} is a 2.x server ({} answers 404): login and admin APIs under /v1", response.server(),
          STATE_PATH);
      return V2;
    }
    if (response.ok() || response.status() == 401 || response.status() == 403) {
      LOG.debug("Nacos {} is a 3.x server (version {}): login under /v3/auth, admin APIs under /v3/admin",
          response.server(), version(response.body()));
      return V3;
    }
    // Something else (a proxy's 400, 405 or 429): ask 2.x's own state endpoint before deciding.
    NacosResponse v2 = transport.sendUnsigned(NacosRequest.get(V2_STATE_PATH, Map.of(), timeout, "server state"));
    if (v2.ok()) {
      LOG.debug("Nacos {} is a 2.x server ({} answers {}, {} 200)", v2.server(), STATE_PATH, response.status(),
          V2_STATE_PATH);
      return V2;
    }
    throw new ServerUnavailableException(v2.server(), "Nacos " + v2.server() + " did not say its line: "
        + STATE_PATH + " answered " + response.status() + ", " + V2_STATE_PATH + " " + v2.status()
        + "; the line is asked again on the next use");
  }

  private static String version(String body) {
    try {
      return NacosJson.MAPPER.readTree(body).path("data").path("version").asText("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Reads the {@code data} of a 3.x answer {@code {"code":0,"message":"success","data":...}}, or null when not one. */
  static JsonNode wrappedData(String body) {
    try {
      JsonNode json = NacosJson.MAPPER.readTree(body);
      return json != null && json.path("code").asInt(-1) == 0 && json.has("data") ? json.get("data") : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Reads the reason of a 3.x refusal {@code {"code":22002,"message":"...","data":"..."}}; the body itself otherwise. */
  static String reason(String body) {
    try {
      JsonNode json = NacosJson.MAPPER.readTree(body);
      if (json != null && json.isObject()) {
        String data = json.path("data").isTextual() ? json.path("data").asText() : "";
        String message = json.path("message").asText("");
        return data.isEmpty() ? message : message.isEmpty() ? data : message + ": " + data;
      }
    } catch (IOException e) {
      // not JSON: the body is the reason
    }
    return body;
  }
}
