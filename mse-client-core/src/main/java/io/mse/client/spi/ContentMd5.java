package io.mse.client.spi;

/**
 * The MD5 of a config's content as two longs (16 bytes instead of a 72-byte hex string: one is kept
 * per listened key), computed or parsed once per change and shared by the cache layer and the
 * engine. Immutable and thread-safe.
 *
 * @param high the first 8 bytes of the digest, big-endian
 * @param low the last 8 bytes of the digest, big-endian
 */
public record ContentMd5(long high, long low) {

  /** Hashes {@code content}'s UTF-8 bytes; content is not null. */
  public static ContentMd5 of(String content) {
    byte[] hash = Md5.bytes(content);
    return new ContentMd5(Md5.high(hash), Md5.low(hash));
  }

  /**
   * Parses 32 hex digits (either case), as a server sends them.
   *
   * @return the MD5, or null when {@code hex} is null or not 32 hex digits
   */
  public static ContentMd5 parse(String hex) {
    if (hex == null || hex.length() != 32) {
      return null;
    }
    try {
      return new ContentMd5(Long.parseUnsignedLong(hex, 0, 16, 16), Long.parseUnsignedLong(hex, 16, 32, 16));
    } catch (NumberFormatException notHex) {
      return null;
    }
  }

  /** Returns the lowercase hex form of {@code md5}, or "" when it is null (no content). */
  public static String hex(ContentMd5 md5) {
    return md5 == null ? "" : Md5.hex(md5.high, md5.low);
  }

  /** Returns the lowercase hex form, 32 characters. */
  @Override
  public String toString() {
    return Md5.hex(high, low);
  }
}
