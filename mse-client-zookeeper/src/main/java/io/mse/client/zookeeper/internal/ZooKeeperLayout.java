package io.mse.client.zookeeper.internal;

import io.mse.client.config.ConfigKey;
import io.mse.client.naming.Instance;
import io.mse.client.naming.ServiceKey;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Where things live in ZooKeeper, under a root ({@code /mse} by default):
 *
 * <pre>
 * &lt;root&gt;/&lt;namespace&gt;/config/&lt;group&gt;/&lt;dataId&gt;                        data: UTF-8 content
 * &lt;root&gt;/&lt;namespace&gt;/naming/&lt;group&gt;/&lt;service&gt;/&lt;ip#port#cluster&gt;    data: instance JSON
 * </pre>
 *
 * The public namespace ("") is spelled {@code public}. Each name becomes one path segment; the
 * characters ZooKeeper forbids in a path, {@code %} itself, and the segments {@code .} and {@code ..}
 * are percent-encoded as UTF-8 bytes ({@code %2E}), so every name maps to exactly one segment and
 * back. Immutable and thread-safe.
 */
final class ZooKeeperLayout {

  /** The root used when the {@code zookeeper.root} property is not set. */
  public static final String DEFAULT_ROOT = "/mse";

  private static final Pattern ROOT = Pattern.compile("(/[A-Za-z0-9._\\-:]+)+");
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final String root;

  /**
   * @param root an absolute path such as {@code /mse}: '/'-separated segments of letters, digits,
   *     {@code . _ - :}, without a trailing slash
   * @throws IllegalArgumentException when {@code root} breaks that rule
   */
  public ZooKeeperLayout(String root) {
    if (root == null || !ROOT.matcher(root).matches() || root.startsWith("/zookeeper")
        || root.contains("/./") || root.contains("/../") || root.endsWith("/.") || root.endsWith("/..")) {
      throw new IllegalArgumentException("zookeeper.root '" + root + "' is invalid: it must be an absolute path such as"
          + " '/mse' of letters, digits, '.', '_', '-', ':' segments, without a trailing '/', outside '/zookeeper'");
    }
    this.root = root;
  }

  public String root() {
    return root;
  }

  /** Returns the node of a config. */
  public String config(ConfigKey key) {
    return root + "/" + namespace(key.namespace()) + "/config/" + segment(key.group()) + "/" + segment(key.dataId());
  }

  /** Returns the node whose children are the services of a group. */
  public String services(String namespace, String group) {
    return root + "/" + namespace(namespace) + "/naming/" + segment(group);
  }

  /** Returns the node whose children are the instances of a service. */
  public String service(ServiceKey key) {
    return services(key.namespace(), key.group()) + "/" + segment(key.service());
  }

  /** Returns the node of an instance: its service's node plus {@code ip#port#cluster}. */
  public String instance(ServiceKey key, Instance instance) {
    return service(key) + "/" + segment(instance.ip() + "#" + instance.port() + "#" + instance.clusterName());
  }

  private static String namespace(String namespace) {
    return namespace.isEmpty() ? "public" : segment(namespace);
  }

  /** Encodes a name as one legal path segment; see the class comment. */
  public static String segment(String name) {
    if (name.equals(".")) {
      return "%2E";
    }
    if (name.equals("..")) {
      return "%2E%2E";
    }
    StringBuilder out = null;
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      int width = Character.charCount(cp);
      if (mustEscape(cp)) {
        if (out == null) {
          out = new StringBuilder(name.length() + 8).append(name, 0, i);
        }
        for (byte b : name.substring(i, i + width).getBytes(StandardCharsets.UTF_8)) {
          out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
        }
      } else if (out != null) {
        out.appendCodePoint(cp);
      }
      i += width;
    }
    return out == null ? name : out.toString();
  }

  /**
   * Decodes a segment made by {@link #segment(String)}.
   *
   * @throws IllegalArgumentException when a {@code %} is not followed by two hex digits
   */
  public static String name(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
    StringBuilder out = new StringBuilder(segment.length());
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%') {
        if (i + 2 >= segment.length()) {
          throw new IllegalArgumentException("segment '" + segment + "' has a truncated '%' escape");
        }
        bytes.write(Integer.parseInt(segment.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        if (bytes.size() > 0) {
          out.append(bytes.toString(StandardCharsets.UTF_8));
          bytes.reset();
        }
        out.append(c);
      }
    }
    out.append(bytes.toString(StandardCharsets.UTF_8));
    return out.toString();
  }

  /** The characters ZooKeeper's PathUtils rejects, plus '%' (the escape) and '/' (the separator). */
  private static boolean mustEscape(int cp) {
    return cp == '%' || cp == '/' || cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0xd800 && cp <= 0xf8ff)
        || cp >= 0xfff0;
  }
}
