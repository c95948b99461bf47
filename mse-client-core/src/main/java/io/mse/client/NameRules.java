package io.mse.client;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Validation of the names the client sends to a server, done before any I/O. Each check throws an
 * {@link IllegalArgumentException} whose message quotes the rejected value and states the rule.
 *
 * <p>The rules are those of the Nacos server's parameter check ({@code ParamCheckRule} and
 * {@code DefaultParamChecker}, identical in Nacos 2.5.1 and 3.0.3), which answers HTTP 400 to a value
 * outside them on every open-API request:
 * <ul>
 *   <li>dataId: characters of {@code [a-zA-Z0-9-_:.]} (ASCII only: Nacos 2.5.1 and 3.0.3 refuse
 *       {@code 配置} or {@code é}), at most 256 for the check; but both lines answer {@code true} to a
 *       publish of a 256-character dataId and then never serve it (404: the server keeps each config
 *       in a file named by its dataId, and a file name has at most 255 bytes), so the client allows
 *       {@value #MAX_DATA_ID_LENGTH};</li>
 *   <li>group: the same characters, at most {@value #MAX_GROUP_LENGTH};</li>
 *   <li>namespace id: at most {@value #MAX_NAMESPACE_LENGTH} characters of {@code [a-zA-Z0-9_-]};</li>
 *   <li>cluster name: at most {@value #MAX_CLUSTER_LENGTH} characters of {@code [a-zA-Z0-9_-]};</li>
 *   <li>service name: at most {@value #MAX_SERVICE_LENGTH} characters, no leading {@code @}, no
 *       {@code @@}, no white space and no CJK ideograph U+4E00 to U+9FA5;</li>
 *   <li>ip: at most {@value #MAX_IP_LENGTH} characters without white space or CJK ideographs;</li>
 *   <li>port: 0 to 65535;</li>
 *   <li>instance metadata: the lengths of its non-blank keys and values add up to at most
 *       {@value #MAX_METADATA_LENGTH} characters (the server's default, which an operator may change
 *       with {@code nacos.naming.service.metadata.length}).</li>
 * </ul>
 * The client is stricter where the server's rule lets through what breaks elsewhere: dataId, group
 * and service names must not be blank (the server's check skips blank values and a later check
 * refuses them), service names keep to letters, digits and {@code _ - . :} (file names of the
 * snapshots, URLs of the naming API), ports start at 1 ({@link io.mse.client.naming.Instance} makes the
 * one exception: port 0 for a consumer's registration, metadata {@code side=consumer}) and ip addresses
 * keep to the characters of an address or host name. Thread-safe (stateless).
 */
public final class NameRules {

  public static final String DEFAULT_GROUP = "DEFAULT_GROUP";
  public static final String DEFAULT_CLUSTER = "DEFAULT";
  /** The longest dataId a server stores and serves (its check lets 256 through, its file names do not). */
  public static final int MAX_DATA_ID_LENGTH = 255;
  /** The longest group the server accepts. */
  public static final int MAX_GROUP_LENGTH = 128;
  /** The longest service name the server accepts. */
  public static final int MAX_SERVICE_LENGTH = 512;
  /** The longest namespace id the server accepts. */
  public static final int MAX_NAMESPACE_LENGTH = 64;
  /** The longest cluster name the server accepts. */
  public static final int MAX_CLUSTER_LENGTH = 64;
  /** The longest ip the server accepts. */
  public static final int MAX_IP_LENGTH = 128;
  /** The largest total length of an instance's metadata keys and values the server accepts by default. */
  public static final int MAX_METADATA_LENGTH = 1024;

  private static final Pattern KEY = Pattern.compile("[a-zA-Z0-9_\\-.:]+");
  private static final Pattern CLUSTER = Pattern.compile("[a-zA-Z0-9_\\-]+");
  private static final Pattern NAMESPACE = Pattern.compile("[a-zA-Z0-9_\\-]+");
  // Letters and decimal digits (as Character.isLetterOrDigit: not '½' or '²'), but no CJK ideograph.
  private static final Pattern SERVICE = Pattern.compile("[[\\p{L}\\p{Nd}_\\-.:]&&[^\\u4E00-\\u9FA5]]+");

  private NameRules() {}

  /** Checks a dataId: non-blank, at most {@value #MAX_DATA_ID_LENGTH} of {@code [a-zA-Z0-9_-.:]}; returns it. */
  public static String dataId(String dataId) {
    return key("dataId", dataId, MAX_DATA_ID_LENGTH, KEY, "ASCII letters, digits and '_', '-', '.', ':'");
  }

  /**
   * Checks a group: at most {@value #MAX_GROUP_LENGTH} of {@code [a-zA-Z0-9_-.:]}; a null or blank group
   * means {@value #DEFAULT_GROUP}.
   */
  public static String group(String group) {
    if (group == null || group.isBlank()) {
      return DEFAULT_GROUP;
    }
    return key("group", group, MAX_GROUP_LENGTH, KEY, "ASCII letters, digits and '_', '-', '.', ':'");
  }

  /**
   * Checks a cluster name: at most {@value #MAX_CLUSTER_LENGTH} of {@code [a-zA-Z0-9_-]}; a null or blank
   * one means {@value #DEFAULT_CLUSTER}.
   */
  public static String cluster(String cluster) {
    if (cluster == null || cluster.isBlank()) {
      return DEFAULT_CLUSTER;
    }
    return key("clusterName", cluster, MAX_CLUSTER_LENGTH, CLUSTER, "ASCII letters, digits, '_' and '-'");
  }

  /**
   * Checks a service name: non-blank, at most {@value #MAX_SERVICE_LENGTH} letters (not CJK
   * ideographs), digits and {@code _ - . :}, without {@code @@}.
   */
  public static String service(String service) {
    if (service != null && service.contains("@@")) {
      throw new IllegalArgumentException("serviceName '" + service
          + "' must not contain '@@' (it separates group and service on the wire); pass the group separately");
    }
    return key("serviceName", service, MAX_SERVICE_LENGTH, SERVICE,
        "letters (not CJK ideographs U+4E00 to U+9FA5), digits and '_', '-', '.', ':'");
  }

  /**
   * Normalizes a namespace id: null, blank and {@code "public"} all mean the public namespace,
   * returned as the empty string; any other is at most {@value #MAX_NAMESPACE_LENGTH} of
   * {@code [a-zA-Z0-9_-]}.
   */
  public static String namespace(String namespace) {
    if (namespace == null || namespace.isBlank() || namespace.equals("public")) {
      return "";
    }
    if (namespace.length() > MAX_NAMESPACE_LENGTH || !NAMESPACE.matcher(namespace).matches()) {
      throw new IllegalArgumentException("namespace '" + abbreviate(namespace) + "' is invalid: a namespace id is at"
          + " most " + MAX_NAMESPACE_LENGTH + " ASCII letters, digits, '_' or '-' (empty or 'public' for the public"
          + " namespace)");
    }
    return namespace;
  }

  /** Checks a TCP port: 1 to 65535. */
  public static int port(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range: a port is 1 to 65535");
    }
    return port;
  }

  /** Checks an instance weight: a finite number from 0 to 10000. */
  public static double weight(double weight) {
    if (!(weight >= 0 && weight <= 10000)) {
      throw new IllegalArgumentException("weight " + weight + " is out of range: a weight is 0 to 10000");
    }
    return weight;
  }

  /**
   * Checks an instance address: a non-blank IPv4/IPv6 address or host name without spaces, at most
   * {@value #MAX_IP_LENGTH} characters.
   */
  public static String ip(String ip) {
    if (ip == null || ip.isBlank() || ip.length() > MAX_IP_LENGTH || !ip.matches("[A-Za-z0-9.:\\-_%]+")) {
      throw new IllegalArgumentException("ip '" + ip + "' is invalid: an instance address is an IPv4 address,"
          + " an IPv6 address without brackets or a host name (at most " + MAX_IP_LENGTH + " ASCII letters, digits,"
          + " '.', ':', '-', '_', '%')");
    }
    return ip;
  }

  /**
   * Checks instance metadata as the server does: the lengths of its non-blank keys and values add up to
   * at most {@value #MAX_METADATA_LENGTH} characters. Returns it unchanged; null counts as empty.
   */
  public static Map<String, String> metadata(Map<String, String> metadata) {
    if (metadata == null) {
      return null;
    }
    int total = 0;
    for (Map.Entry<String, String> entry : metadata.entrySet()) {
      total += blankIsZero(entry.getKey()) + blankIsZero(entry.getValue());
    }
    if (total > MAX_METADATA_LENGTH) {
      throw new IllegalArgumentException("metadata of " + metadata.size() + " entries is invalid: its keys and"
          + " values add up to " + total + " characters, at most " + MAX_METADATA_LENGTH + " are allowed");
    }
    return metadata;
  }

  private static int blankIsZero(String value) {
    return value == null || value.isBlank() ? 0 : value.length();
  }

  private static String key(String what, String value, int maxLength, Pattern allowed, String rule) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " '" + value + "' is invalid: it must not be blank");
    }
    if (value.length() > maxLength) {
      throw new IllegalArgumentException(what + " '" + abbreviate(value) + "' is invalid: it is " + value.length()
          + " characters long, at most " + maxLength + " are allowed");
    }
    if (!allowed.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " '" + value + "' is invalid: only " + rule + " are allowed");
    }
    return value;
  }

  private static String abbreviate(String value) {
    return value.length() <= 40 ? value : value.substring(0, 40) + "...";
  }
}
