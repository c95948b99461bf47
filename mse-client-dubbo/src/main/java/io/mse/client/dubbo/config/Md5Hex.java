package io.mse.client.dubbo.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The MD5 of a config's content as Nacos computes it and compares it in a compare-and-set: lowercase
 * hex of the MD5 of the UTF-8 bytes. Stateless and thread-safe.
 */
public final class Md5Hex {

  private Md5Hex() {}

  /** Returns the 32 lowercase hex digits of the MD5 of {@code content}'s UTF-8 bytes. */
  public static String of(String content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has MD5", e);
    }
  }
}
