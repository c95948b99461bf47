package io.mse.client.spi;

/**
 * A config as the server holds it.
 *
 * @param content the content; not null
 * @param type the content type the server recorded ({@code properties}, {@code yaml}...); nullable
 */
public record ConfigData(String content, String type) {

  public ConfigData {
    if (content == null) {
      throw new NullPointerException("content");
    }
  }
}
