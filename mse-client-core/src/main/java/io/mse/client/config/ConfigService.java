package io.mse.client.config;

import java.time.Duration;

/**
 * The config center, in the namespace of the client that made it.
 *
 * <p>Arguments: {@code dataId} is non-blank, at most 255 ASCII letters, digits, {@code _ - . :};
 * {@code group} is made of the same characters, at most 128, and null or blank means
 * {@code DEFAULT_GROUP} (the rules of the Nacos server's own parameter check). Bad names are
 * rejected with an {@link IllegalArgumentException} naming the value before any I/O.
 *
 * <p>A config that has a listener is kept fresh in memory by the subscription, so
 * {@link #getConfig(String, String)} on it does no I/O. Every config read or pushed is also
 * written to the snapshot directory, and served from there when the server cannot be reached.
 *
 * <p>Refusals, on every method that reaches the server: {@link io.mse.client.AuthenticationException}
 * when the server refuses the credentials or the user's permission (HTTP 403);
 * {@link io.mse.client.RequestRefusedException} when it refuses the request for a reason of its own
 * (HTTP 400 for a parameter, 404 on a write, 410, any other 4xx), with its status and words; and
 * {@link io.mse.client.ServerUnavailableException} when no server answers or they answer 5xx (then
 * reads are served from the snapshot when there is one). All are unchecked {@link io.mse.client.MseException}s
 * naming the config key. A compare-and-set conflict is not a refusal: it is the answer false.
 *
 * <p>Implementations are thread-safe.
 */
public interface ConfigService {

  /**
   * Returns the content of a config, or {@code null} when it does not exist, waiting at most the
   * client's request timeout.
   *
   * @throws io.mse.client.ServerUnavailableException when the server cannot be reached and no
   *     snapshot of the config exists
   */
  String getConfig(String dataId, String group);

  /**
   * Returns the content of a config, or {@code null} when it does not exist.
   *
   * @param timeout the longest time to wait for the server; positive
   * @throws io.mse.client.ServerUnavailableException when the server cannot be reached within
   *     {@code timeout} and no snapshot of the config exists
   */
  String getConfig(String dataId, String group, Duration timeout);

  /**
   * Returns the current content (or {@code null}) and adds {@code listener} for later changes, with
   * no change lost in between.
   *
   * @throws io.mse.client.ServerUnavailableException as {@link #getConfig(String, String, Duration)}
   */
  String getConfigAndAddListener(String dataId, String group, Duration timeout, ConfigListener listener);

  /**
   * Creates or replaces a config.
   *
   * @param content the new content; not blank (use {@link #removeConfig} to remove); at most what the
   *     server allows (Nacos: 10 MB by default), which the server checks
   * @return true when the server stored it
   * @throws io.mse.client.ServerUnavailableException when the server cannot be reached
   */
  boolean publishConfig(String dataId, String group, String content);

  /**
   * Creates or replaces a config, recording its content type.
   *
   * @param type the content type ({@code properties}, {@code yaml}, {@code json}, {@code text}...); nullable
   * @return true when the server stored it
   */
  boolean publishConfig(String dataId, String group, String content, String type);

  /**
   * Replaces a config only if its current content's MD5 is {@code casMd5} (compare-and-set). The
   * server compares and writes atomically; a conflict is an answer (false), never retried on another
   * server nor reported as {@link io.mse.client.ServerUnavailableException}.
   *
   * <p>A config that does not exist has no content to match: with a non-empty {@code casMd5} the
   * result is false and nothing is created. The absence is read just before the publish, which is not
   * atomic: a config removed in between is created with {@code content} (Nacos itself creates an
   * absent config whatever the MD5). With {@code ""} the config is created only if it does not exist,
   * atomically on the server.
   *
   * <p>The MD5 compared is the one the server stores: with a server-side encryption plugin it is
   * the MD5 of the encrypted text, and a {@code casMd5} computed over the plain text never matches.
   *
   * @param casMd5 hex MD5 (32 digits, either case) of the UTF-8 content the caller expects to
   *     replace; "" expects the config not to exist; not null
   * @return true when stored; false when the current content's MD5 differs, or the config is absent
   *     while a content was expected, or exists while none was
   * @throws IllegalArgumentException when {@code casMd5} is not 32 hex digits or ""
   * @throws io.mse.client.ServerUnavailableException when the server cannot be reached
   */
  boolean publishConfigCas(String dataId, String group, String content, String casMd5);

  /**
   * Removes a config; removing a config that does not exist is not an error.
   *
   * @return true when the server accepted the removal
   */
  boolean removeConfig(String dataId, String group);

  /**
   * Adds a listener to a config; it is called on each later change (not with the current content,
   * see {@link #getConfigAndAddListener}). Adding the same listener twice has no further effect.
   *
   * @throws io.mse.client.ServerUnavailableException when the server cannot be reached and no
   *     snapshot gives a starting point
   */
  void addListener(String dataId, String group, ConfigListener listener);

  /** Removes a listener; when a config has no listener left, the client stops listening to it. */
  void removeListener(String dataId, String group, ConfigListener listener);
}
