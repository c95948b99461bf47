package io.mse.client.spi;

/**
 * A config as the server holds it. Immutable and thread-safe.
 *
 * @param content the content; not null
 * @param type the content type the server recorded ({@code properties}, {@code yaml}...); nullable
 * @param md5 the MD5 the server gave for the content (Nacos' {@code Content-MD5}), null when it gave
 *     none: the cache layer then hashes the content, once. With a Nacos config encryption plugin the
 *     server's MD5 is that of the encrypted text, not of {@code content}, and it is the one a watch
 *     must compare with the server's.
 */
public record ConfigData(String content, String type, ContentMd5 md5) {

  public ConfigData {
    if (content == null) {
      throw new NullPointerException("content");
    }
  }

  /** A config whose MD5 the server did not give. */
  public ConfigData(String content, String type) {
    this(content, type, null);
  }

  /** Returns {@link #md5()}, or the MD5 of the content when the server gave none (hashing it). */
  public ContentMd5 md5OrHash() {
    return md5 != null ? md5 : ContentMd5.of(content);
  }
}
