package io.mse.client.internal;

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
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is required of every Java platform", e);
    }
    byte[] hash = digest.digest(content.getBytes(StandardCharsets.UTF_8));
    char[] out = new char[hash.length * 2];
    for (int i = 0; i < hash.length; i++) {
      out[2 * i] = HEX[(hash[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[hash[i] & 0xf];
    }
    return new String(out);
  }
}
