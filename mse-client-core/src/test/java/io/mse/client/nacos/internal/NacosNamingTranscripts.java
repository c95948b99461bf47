package io.mse.client.nacos.internal;

import java.util.StringJoiner;

/**
 * Answers of a real Nacos 2.5.1 server, copied from {@code shared/nacos/transcripts} (noauth.txt,
 * udp-push.txt), and lists shaped exactly like them.
 */
final class NacosNamingTranscripts {

  private NacosNamingTranscripts() {}

  /** {@code GET /nacos/v1/ns/instance/list?serviceName=demo-svc}, noauth.txt. */
  static final String DEMO_SVC_LIST = "{\"name\":\"DEFAULT_GROUP@@demo-svc\",\"groupName\":\"DEFAULT_GROUP\","
      + "\"clusters\":\"\",\"cacheMillis\":10000,\"hosts\":[{\"instanceId\":\"127.0.0.1#9001#DEFAULT#DEFAULT_GROUP@@demo-svc\","
      + "\"ip\":\"127.0.0.1\",\"port\":9001,\"weight\":1.0,\"healthy\":true,\"enabled\":true,\"ephemeral\":true,"
      + "\"clusterName\":\"DEFAULT\",\"serviceName\":\"DEFAULT_GROUP@@demo-svc\",\"metadata\":{\"v\":\"1\"},"
      + "\"instanceHeartBeatInterval\":5000,\"instanceHeartBeatTimeOut\":15000,\"ipDeleteTimeout\":30000},"
      + "{\"instanceId\":\"127.0.0.1#9999#DEFAULT#DEFAULT_GROUP@@demo-svc\",\"ip\":\"127.0.0.1\",\"port\":9999,"
      + "\"weight\":0.0,\"healthy\":true,\"enabled\":true,\"ephemeral\":true,\"clusterName\":\"DEFAULT\","
      + "\"serviceName\":\"DEFAULT_GROUP@@demo-svc\",\"metadata\":{},\"instanceHeartBeatInterval\":5000,"
      + "\"instanceHeartBeatTimeOut\":15000,\"ipDeleteTimeout\":30000,\"instanceIdGenerator\":\"simple\"}],"
      + "\"lastRefTime\":1795947464607,\"checksum\":\"\",\"allIPs\":false,\"reachProtectionThreshold\":false,"
      + "\"valid\":true}";

  /** The datagram of udp-push.txt, step 3. */
  static final String PUSH_SVC2_DATAGRAM = "{\"type\":\"dom\",\"data\":\"{\\\"name\\\":\\\"DEFAULT_GROUP@@push-svc2\\\","
      + "\\\"clusters\\\":\\\"\\\",\\\"cacheMillis\\\":10000,\\\"hosts\\\":[{\\\"instanceId\\\":"
      + "\\\"127.0.0.1#9101#DEFAULT#DEFAULT_GROUP@@push-svc2\\\",\\\"ip\\\":\\\"127.0.0.1\\\",\\\"port\\\":9101,"
      + "\\\"weight\\\":1.0,\\\"healthy\\\":true,\\\"enabled\\\":true,\\\"ephemeral\\\":true,\\\"clusterName\\\":"
      + "\\\"DEFAULT\\\",\\\"serviceName\\\":\\\"DEFAULT_GROUP@@push-svc2\\\",\\\"metadata\\\":{},"
      + "\\\"instanceHeartBeatInterval\\\":5000,\\\"instanceHeartBeatTimeOut\\\":15000,\\\"ipDeleteTimeout\\\":30000,"
      + "\\\"instanceIdGenerator\\\":\\\"simple\\\"}],\\\"lastRefTime\\\":1795947651873,\\\"checksum\\\":\\\"\\\","
      + "\\\"allIPs\\\":false,\\\"reachProtectionThreshold\\\":false,\\\"valid\\\":true}\",\"lastRefTime\":1407940451142}";

  /** The acknowledgement of that datagram, udp-push.txt step 4. */
  static final String PUSH_SVC2_ACK = "{\"type\":\"push-ack\",\"lastRefTime\":1407940451142,\"data\":\"\"}";

  /** The first list of push-svc2 (empty), udp-push.txt step 1. */
  static final String PUSH_SVC2_EMPTY_LIST = "{\"name\":\"DEFAULT_GROUP@@push-svc2\",\"groupName\":\"DEFAULT_GROUP\","
      + "\"clusters\":\"\",\"cacheMillis\":10000,\"hosts\":[],\"lastRefTime\":1795947651315,\"checksum\":\"\","
      + "\"allIPs\":false,\"reachProtectionThreshold\":false,\"valid\":true}";

  /** A beat answer, noauth.txt. */
  static final String BEAT_OK = "{\"clientBeatInterval\":5000,\"code\":10200,\"lightBeatEnabled\":true}";

  /** The 400 of registering a persistent instance into an ephemeral service, noauth.txt. */
  static final String PERSISTENT_INTO_EPHEMERAL = "errCode: 400, errMsg: Current service DEFAULT_GROUP@@demo-svc is "
      + "ephemeral service, can't register persistent instance. ";

  /** {@code GET /nacos/v1/ns/service/list?pageNo=1&pageSize=10}, noauth.txt. */
  static final String SERVICES = "{\"count\":2,\"doms\":[\"demo-svc\",\"demo-persist\"]}";

  /** A list shaped like {@link #DEMO_SVC_LIST}: instances 127.0.0.1:port, weight 1, healthy. */
  static String list(String groupedName, long lastRefTime, long cacheMillis, int... ports) {
    StringJoiner hosts = new StringJoiner(",", "[", "]");
    for (int port : ports) {
      hosts.add(host(groupedName, port));
    }
    return "{\"name\":\"" + groupedName + "\",\"groupName\":\"" + groupedName.substring(0, groupedName.indexOf("@@"))
        + "\",\"clusters\":\"\",\"cacheMillis\":" + cacheMillis + ",\"hosts\":" + hosts + ",\"lastRefTime\":"
        + lastRefTime + ",\"checksum\":\"\",\"allIPs\":false,\"reachProtectionThreshold\":false,\"valid\":true}";
  }

  /** A push datagram carrying {@code listJson}, shaped like {@link #PUSH_SVC2_DATAGRAM}. */
  static String push(String listJson, long pushId) {
    return "{\"type\":\"dom\",\"data\":\"" + listJson.replace("\\", "\\\\").replace("\"", "\\\"")
        + "\",\"lastRefTime\":" + pushId + "}";
  }

  static String ack(long pushId) {
    return "{\"type\":\"push-ack\",\"lastRefTime\":" + pushId + ",\"data\":\"\"}";
  }

  private static String host(String groupedName, int port) {
    return "{\"instanceId\":\"127.0.0.1#" + port + "#DEFAULT#" + groupedName + "\",\"ip\":\"127.0.0.1\",\"port\":"
        + port + ",\"weight\":1.0,\"healthy\":true,\"enabled\":true,\"ephemeral\":true,\"clusterName\":\"DEFAULT\","
        + "\"serviceName\":\"" + groupedName + "\",\"metadata\":{},\"instanceHeartBeatInterval\":5000,"
        + "\"instanceHeartBeatTimeOut\":15000,\"ipDeleteTimeout\":30000,\"instanceIdGenerator\":\"simple\"}";
  }
}
