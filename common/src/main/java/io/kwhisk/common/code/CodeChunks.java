package io.kwhisk.common.code;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The format of code stored out of line, shared by its writer (the controller) and its readers
 * (controllers answering {@code GET}, invokers initialising containers): how code is cut into
 * chunks, how chunks are keyed and how a reader checks what it put back together. Pure functions.
 */
public final class CodeChunks {
  /**
   * The largest chunk: half of Kafka's default record limit ({@code max.message.bytes}, about 1
   * MB), so a chunk and its key fit a topic and a producer left at their defaults, with room to
   * spare.
   */
  public static final int CHUNK_BYTES = 512 * 1024;

  /**
   * Code larger than this is stored out of line; smaller code stays in the action's entity and
   * travels inline in container creations, as before (no read on the cold path of small actions).
   */
  public static final int INLINE_MAX_BYTES = 256 * 1024;

  private CodeChunks() {}

  /** The UTF-8 bytes of {@code code} in chunks of at most {@link #CHUNK_BYTES}. */
  public static List<byte[]> split(byte[] code) {
    List<byte[]> out = new ArrayList<>();
    for (int from = 0; from < code.length || out.isEmpty(); from += CHUNK_BYTES) {
      out.add(Arrays.copyOfRange(code, from, Math.min(code.length, from + CHUNK_BYTES)));
    }
    return out;
  }

  /** The key of chunk {@code index} of an upload: {@code <digest>/<upload>/<index>}. */
  public static String key(String digest, String upload, int index) {
    return digest + "/" + upload + "/" + index;
  }

  public static String key(CodeRef ref, int index) {
    return key(ref.digest(), ref.upload(), index);
  }

  /** The SHA-256 of {@code bytes}, in lowercase hex. */
  public static String digest(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }

  /**
   * The code the chunks of {@code ref} make, in order; throws {@link CodeUnavailableException} when
   * their size or digest is not the reference's.
   */
  public static String join(CodeRef ref, List<byte[]> chunks) {
    long size = chunks.stream().mapToLong(c -> c.length).sum();
    if (size != ref.size()) {
      throw new CodeUnavailableException(
          "code " + ref.digest() + " read back as " + size + " bytes, not " + ref.size());
    }
    byte[] all = new byte[(int) size];
    int at = 0;
    for (byte[] c : chunks) {
      System.arraycopy(c, 0, all, at, c.length);
      at += c.length;
    }
    if (!digest(all).equals(ref.digest())) {
      throw new CodeUnavailableException("code " + ref.digest() + " read back with another digest");
    }
    return new String(all, StandardCharsets.UTF_8);
  }
}
