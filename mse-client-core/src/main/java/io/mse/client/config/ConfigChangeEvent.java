package io.mse.client.config;

/**
 * A config item changed: the content a listener receives. Immutable and thread-safe.
 *
 * @param key the changed config
 * @param content the new content; {@code null} when the config was removed
 * @param md5 lowercase hex MD5 of the new content's UTF-8 bytes, as the server gives it (with a Nacos
 *     config encryption plugin, the MD5 the server holds: that of the encrypted text); "" when removed
 * @param previousContent the content held before this change; {@code null} when there was none
 */
public record ConfigChangeEvent(ConfigKey key, String content, String md5, String previousContent) {

  /** Returns true when this change removed the config. */
  public boolean removed() {
    return content == null;
  }
}
