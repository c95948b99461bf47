package io.mse.client.internal;

import java.util.regex.Pattern;

/**
 * Validation of the names the client sends to a server, done before any I/O. Each check throws an
 * {@link IllegalArgumentException} whose message quotes the rejected value and states the rule.
 *
 * <p>The rules follow the Nacos open API: dataId and group are non-blank, at most 256 characters,
 * made of letters, digits (Unicode ones count) and {@code _ - . :}. Service names follow the same
 * rule (at most 512 characters) and may not contain {@code @@}, the group separator on the wire.
 * Namespace ids are empty (the public namespace) or letters, digits, {@code _} and {@code -}.
 */
public final class Names {

  public static final String DEFAULT_GROUP = "DEFAULT_GROUP";
  public static final String DEFAULT_CLUSTER = "DEFAULT";
  public static final int MAX_KEY_LENGTH = 256;
  public static final int MAX_SERVICE_LENGTH = 512;
  public static final int MAX_NAMESPACE_LENGTH = 128;

  // Letters and decimal digits, as the server's Character.isLetterOrDigit: not '½' or '²'.
  private static final Pattern KEY = Pattern.compile("[\\p{L}\\p{Nd}_\\-.:]+");
  private static final Pattern NAMESPACE = Pattern.compile("[\\p{L}\\p{Nd}_\\-]*");

  private Names() {}

  /** Checks a dataId; returns it unchanged. */
  public static String dataId(String dataId) {
    return key("dataId", dataId, MAX_KEY_LENGTH);
  }

  /** Checks a group; a null or blank group means {@value #DEFAULT_GROUP}. */
  public static String group(String group) {
    if (group == null || group.isBlank()) {
      return DEFAULT_GROUP;
    }
    return key("group", group, MAX_KEY_LENGTH);
  }

  /** Checks a cluster name; a null or blank one means {@value #DEFAULT_CLUSTER}. */
  public static String cluster(String cluster) {
    if (cluster == null || cluster.isBlank()) {
      return DEFAULT_CLUSTER;
    }
    return key("clusterName", cluster, MAX_KEY_LENGTH);
  }

  /** Checks a service name. */
  public static String service(String service) {
    key("serviceName", service, MAX_SERVICE_LENGTH);
    if (service.contains("@@")) {
      throw new IllegalArgumentException("serviceName '" + service
          + "' must not contain '@@' (it separates group and service on the wire); pass the group separately");
    }
    return service;
  }

  /**
   * Normalizes a namespace id: null, blank and {@code "public"} all mean the public namespace,
   * returned as the empty string.
   */
  public static String namespace(String namespace) {
    if (namespace == null || namespace.isBlank() || namespace.equals("public")) {
      return "";
    }
    if (namespace.length() > MAX_NAMESPACE_LENGTH || !NAMESPACE.matcher(namespace).matches()) {
      throw new IllegalArgumentException("namespace '" + namespace + "' is invalid: a namespace id is at most "
          + MAX_NAMESPACE_LENGTH + " letters, digits, '_' or '-' (empty or 'public' for the public namespace)");
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

  /** Checks an instance address: a non-blank IPv4/IPv6 address or host name without spaces. */
  public static String ip(String ip) {
    if (ip == null || ip.isBlank() || ip.length() > 255 || !ip.matches("[A-Za-z0-9.:\\-_%]+")) {
      throw new IllegalArgumentException("ip '" + ip + "' is invalid: an instance address is an IPv4 address,"
          + " an IPv6 address without brackets or a host name (ASCII letters, digits, '.', ':', '-', '_', '%')");
    }
    return ip;
  }

  private static String key(String what, String value, int maxLength) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " '" + value + "' is invalid: it must not be blank");
    }
    if (value.length() > maxLength) {
      throw new IllegalArgumentException(what + " '" + abbreviate(value) + "' is invalid: it is " + value.length()
          + " characters long, at most " + maxLength + " are allowed");
    }
    if (!KEY.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " '" + value
          + "' is invalid: only letters, digits and '_', '-', '.', ':' are allowed");
    }
    return value;
  }

  private static String abbreviate(String value) {
    return value.length() <= 40 ? value : value.substring(0, 40) + "...";
  }
}
