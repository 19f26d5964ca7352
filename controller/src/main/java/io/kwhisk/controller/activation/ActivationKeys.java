package io.kwhisk.controller.activation;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The keys of {@link RocksActivationStore}, in one key space told apart by their first byte. Keys
 * compare as unsigned bytes (RocksDB's default comparator); names never contain {@code \0} (entity
 * names are {@code [\w@ .-]}), so {@code \0} ends a name and a prefix never matches a longer name.
 *
 * <ul>
 *   <li>{@code r ns \0 id} to the completion as written to Kafka: {@code GET}.
 *   <li>{@code n ns \0 name \0 (MAX - start) \0 id} and {@code a ns \0 (MAX - start) \0 id} to the
 *       completions topic the record was read from (empty when it came from none, as in a store
 *       written before the topic was kept): the list of one action and of the namespace, newest
 *       first by one forward scan ({@code MAX - start} as 8 big-endian bytes); the topic lets the
 *       partitioned store count only the records of the topics a controller keeps now.
 *   <li>{@code e end id} to {@code start ns \0 name}: the records by end time, oldest first, which
 *       retention deletes (with the three keys each names).
 *   <li>{@code o topic \0 partition} to the next offset to read there (8 big-endian bytes).
 * </ul>
 */
final class ActivationKeys {
  static final byte RECORD = 'r';
  static final byte BY_NAME = 'n';
  static final byte BY_NAMESPACE = 'a';
  static final byte BY_END = 'e';
  static final byte OFFSET = 'o';
  static final byte[] EMPTY = new byte[0];

  private ActivationKeys() {}

  /** The value of a list key: the topic its record was read from, empty for none. */
  static byte[] source(String topic) {
    return topic == null ? EMPTY : utf8(topic);
  }

  /** The topic a list key's value names, or null for none. */
  static String sourceOf(byte[] value) {
    return value.length == 0 ? null : new String(value, StandardCharsets.UTF_8);
  }

  static byte[] record(String namespace, String id) {
    return join(RECORD, utf8(namespace), utf8(id));
  }

  /** The prefix of every list key of {@code namespace}, or of its action {@code name}. */
  static byte[] listPrefix(String namespace, String name) {
    return name == null
        ? join(BY_NAMESPACE, utf8(namespace), EMPTY)
        : join(BY_NAME, utf8(namespace), utf8(name), EMPTY);
  }

  /** The list key of a record that started at {@code start}, under {@code prefix}. */
  static byte[] listKey(byte[] prefix, long start, String id) {
    byte[] idBytes = utf8(id);
    return ByteBuffer.allocate(prefix.length + 9 + idBytes.length)
        .put(prefix)
        .putLong(newestFirst(start))
        .put((byte) 0)
        .put(idBytes)
        .array();
  }

  /** Where the scan of {@code prefix} starts for records that started at {@code upto} or before. */
  static byte[] listFrom(byte[] prefix, long upto) {
    return ByteBuffer.allocate(prefix.length + 8).put(prefix).putLong(newestFirst(upto)).array();
  }

  /** The start time a list key holds. */
  static long listStart(byte[] prefix, byte[] key) {
    return Long.MAX_VALUE - ByteBuffer.wrap(key, prefix.length, 8).getLong();
  }

  /** The activation id a list key ends with. */
  static String listId(byte[] prefix, byte[] key) {
    return new String(
        key, prefix.length + 9, key.length - prefix.length - 9, StandardCharsets.UTF_8);
  }

  static byte[] byEnd(long end, String id) {
    byte[] idBytes = utf8(id);
    return ByteBuffer.allocate(9 + idBytes.length)
        .put(BY_END)
        .putLong(Math.max(0, end))
        .put(idBytes)
        .array();
  }

  /** The first {@code e} key of a record that ended at {@code end} or later. */
  static byte[] byEndFrom(long end) {
    return ByteBuffer.allocate(9).put(BY_END).putLong(Math.max(0, end)).array();
  }

  static byte[] byEndValue(long start, String namespace, String name) {
    byte[] names = join(utf8(namespace), utf8(name));
    return ByteBuffer.allocate(8 + names.length).putLong(start).put(names).array();
  }

  /** The keys an {@code e} entry names: the record and its two list keys. */
  static byte[][] named(byte[] byEndKey, byte[] byEndValue) {
    String id = new String(byEndKey, 9, byEndKey.length - 9, StandardCharsets.UTF_8);
    long start = ByteBuffer.wrap(byEndValue, 0, 8).getLong();
    int zero = indexOf(byEndValue, 8);
    String namespace = new String(byEndValue, 8, zero - 8, StandardCharsets.UTF_8);
    String name =
        new String(byEndValue, zero + 1, byEndValue.length - zero - 1, StandardCharsets.UTF_8);
    return new byte[][] {
      record(namespace, id),
      listKey(listPrefix(namespace, name), start, id),
      listKey(listPrefix(namespace, null), start, id)
    };
  }

  static byte[] offset(String topic, int partition) {
    byte[] t = utf8(topic);
    return ByteBuffer.allocate(t.length + 6)
        .put(OFFSET)
        .put(t)
        .put((byte) 0)
        .putInt(partition)
        .array();
  }

  static byte[] longValue(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  static long longOf(byte[] v) {
    return ByteBuffer.wrap(v).getLong();
  }

  /** The smallest key greater than every key starting with {@code prefix}: a scan's upper bound. */
  static byte[] after(byte[] prefix) {
    byte[] b = Arrays.copyOf(prefix, prefix.length);
    for (int i = b.length - 1; i >= 0; i--) {
      if (b[i] != (byte) 0xff) {
        b[i]++;
        return Arrays.copyOf(b, i + 1);
      }
    }
    throw new IllegalArgumentException("no key follows a prefix of 0xff bytes");
  }

  /** {@code MAX - t}: later times sort first; times before the epoch count as the epoch. */
  private static long newestFirst(long t) {
    return Long.MAX_VALUE - Math.max(0, t);
  }

  private static byte[] join(byte kind, byte[]... parts) {
    byte[] rest = join(parts);
    byte[] out = new byte[rest.length + 1];
    out[0] = kind;
    System.arraycopy(rest, 0, out, 1, rest.length);
    return out;
  }

  /** {@code parts} separated by {@code \0}. */
  private static byte[] join(byte[]... parts) {
    int n = parts.length - 1;
    for (byte[] p : parts) n += p.length;
    ByteBuffer b = ByteBuffer.allocate(n);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) b.put((byte) 0);
      b.put(parts[i]);
    }
    return b.array();
  }

  private static int indexOf(byte[] b, int from) {
    for (int i = from; i < b.length; i++) if (b[i] == 0) return i;
    throw new IllegalArgumentException("no \\0 in an e value");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
