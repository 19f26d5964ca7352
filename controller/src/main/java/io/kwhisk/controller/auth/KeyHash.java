package io.kwhisk.controller.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Salted SHA-256 of a namespace key: what the entity store keeps instead of the key. Keys are 64
 * random characters (OpenWhisk's format), so a fast hash is enough; the salt keeps equal keys from
 * having equal hashes. Verification compares in constant time.
 */
public final class KeyHash {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  static final int KEY_LENGTH = 64;

  private KeyHash() {}

  public static String newSalt() {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return HexFormat.of().formatHex(salt);
  }

  /** A fresh secret key in OpenWhisk's shape: 64 letters and digits. */
  public static String newKey() {
    StringBuilder key = new StringBuilder(KEY_LENGTH);
    for (int i = 0; i < KEY_LENGTH; i++)
      key.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    return key.toString();
  }

  public static String hash(String salt, String key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(HexFormat.of().parseHex(salt));
      return HexFormat.of().formatHex(sha.digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  public static boolean matches(String salt, String expectedHash, String key) {
    byte[] actual = hash(salt, key).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(actual, expectedHash.getBytes(StandardCharsets.US_ASCII));
  }
}
