package io.mse.client.spi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Content MD5 as Nacos computes it: lowercase hex MD5 of the UTF-8 bytes; "" for absent content. */
public final class Md5 {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Md5() {}

  /** Returns the lowercase hex MD5 of {@code content}'s UTF-8 bytes, or "" when content is null. */
  public static String of(String content) {
    if (content == null) {
      return "";
    }
    byte[] hash = bytes(content);
    return hex(high(hash), low(hash));
  }

  /** Returns the 16 bytes of the MD5 of {@code content}'s UTF-8 bytes; content is not null. */
  public static byte[] bytes(String content) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is required of every Java platform", e);
    }
    return digest.digest(content.getBytes(StandardCharsets.UTF_8));
  }

  /** Returns the first 8 bytes of a 16-byte digest as a long (big-endian). */
  public static long high(byte[] hash) {
    return pack(hash, 0);
  }

  /** Returns the last 8 bytes of a 16-byte digest as a long (big-endian). */
  public static long low(byte[] hash) {
    return pack(hash, 8);
  }

  /** Returns the lowercase hex form of a digest kept as two longs. */
  public static String hex(long high, long low) {
    char[] out = new char[32];
    for (int i = 0; i < 16; i++) {
      out[i] = HEX[(int) (high >>> (60 - 4 * i)) & 0xf];
      out[16 + i] = HEX[(int) (low >>> (60 - 4 * i)) & 0xf];
    }
    return new String(out);
  }

  private static long pack(byte[] hash, int offset) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (hash[offset + i] & 0xffL);
    }
    return value;
  }
}
