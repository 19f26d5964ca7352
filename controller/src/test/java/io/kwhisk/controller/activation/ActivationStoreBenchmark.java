package io.kwhisk.controller.activation;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.controller.activation.ActivationStore.Position;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Loads the RocksDB activation store with records of 1-3 kB (as the follower does: one writer, each
 * record with its offset) for a fixed time, while a reader thread GETs random ids already written,
 * one every millisecond; prints every {@code report} seconds and at the end: records, ingest rate,
 * heap used, RSS, disk, GET p50/p99/max. Not a test (a main in test scope): see BENCHMARKS.md.
 *
 * <p>Arguments ({@code key=value}): {@code dir} (a fresh directory), {@code seconds} (600), {@code
 * max} (10000000 records), {@code report} (30 s), {@code cache-mb} (32), {@code write-buffer-mb}
 * (8).
 */
public final class ActivationStoreBenchmark {
  private static final HexFormat HEX = HexFormat.of();
  private static final int NAMESPACES = 100;
  private static final int ACTIONS = 20;

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(arg(args, "dir", "/tmp/kwhisk-store-bench"));
    long seconds = Long.parseLong(arg(args, "seconds", "600"));
    long max = Long.parseLong(arg(args, "max", "10000000"));
    long report = Long.parseLong(arg(args, "report", "30"));
    long cacheMb = Long.parseLong(arg(args, "cache-mb", "32"));
    long bufferMb = Long.parseLong(arg(args, "write-buffer-mb", "8"));
    if (Files.exists(dir)) throw new IllegalArgumentException(dir + " exists: give a fresh dir");
    ActivationStoreSettings settings =
        new ActivationStoreSettings(
            ActivationStoreSettings.Kind.ROCKSDB,
            dir,
            Duration.ofHours(24),
            1,
            cacheMb << 20,
            bufferMb << 20,
            java.util.Optional.empty(),
            Duration.ofSeconds(10));
    AtomicLong written = new AtomicLong();
    long[] latencies = new long[1 << 22];
    AtomicLong reads = new AtomicLong();
    try (RocksActivationStore store = RocksActivationStore.open(settings)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
      Thread reader =
          new Thread(
              () -> {
                while (System.nanoTime() < deadline && written.get() < max) {
                  long n = written.get();
                  if (n > 0) {
                    long i = ThreadLocalRandom.current().nextLong(n);
                    long t0 = System.nanoTime();
                    if (store.get(namespace(i), id(i)).isEmpty())
                      throw new IllegalStateException("record " + i + " missing");
                    long dt = System.nanoTime() - t0;
                    latencies[(int) (reads.getAndIncrement() & (latencies.length - 1))] = dt;
                  }
                  try {
                    Thread.sleep(1);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "reader");
      reader.start();
      long started = System.nanoTime();
      long nextReport = started + Duration.ofSeconds(report).toNanos();
      long lastReads = 0;
      SplittableRandom random = new SplittableRandom(42);
      while (System.nanoTime() < deadline && written.get() < max) {
        long i = written.get();
        ActivationRecord r = record(i, random);
        byte[] message = Json.encode(new CompletionMessage(r.activationId(), 1, "c", r));
        store.put(r, message, new Position("completed0", 0, i + 1));
        written.incrementAndGet();
        if (System.nanoTime() >= nextReport) {
          long nowReads = reads.get();
          print(store, dir, written.get(), started, latencies, lastReads, nowReads, "interval");
          lastReads = nowReads;
          nextReport += Duration.ofSeconds(report).toNanos();
        }
      }
      reader.join();
      print(store, dir, written.get(), started, latencies, 0, reads.get(), "whole run");
    }
  }

  private static void print(
      RocksActivationStore store,
      Path dir,
      long n,
      long started,
      long[] latencies,
      long from,
      long to,
      String what)
      throws IOException {
    double secs = (System.nanoTime() - started) / 1e9;
    long count = Math.min(to - from, latencies.length);
    long[] sample = new long[(int) count];
    for (int k = 0; k < count; k++)
      sample[k] = latencies[(int) ((to - count + k) & (latencies.length - 1))];
    Arrays.sort(sample);
    Runtime rt = Runtime.getRuntime();
    System.out.printf(
        "t=%.0fs records=%d rate=%.0f/s cpu=%.0fs (%.0f records/cpu-s) heap_used=%dMB heap_max=%dMB"
            + " rss=%dMB disk=%dMB gets(%s)=%d p50=%.2fms p99=%.2fms max=%.2fms%n",
        secs,
        n,
        n / secs,
        cpuSeconds(),
        n / cpuSeconds(),
        (rt.totalMemory() - rt.freeMemory()) >> 20,
        rt.maxMemory() >> 20,
        rss() >> 10,
        du(dir) >> 20,
        what,
        count,
        pct(sample, 0.50),
        pct(sample, 0.99),
        sample.length == 0 ? 0 : sample[sample.length - 1] / 1e6);
  }

  /** CPU time of the whole process (all threads, RocksDB's own included), in seconds. */
  private static double cpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) return 0;
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
  }

  /** Resident set size in kB, from /proc. */
  private static long rss() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
    return -1;
  }

  private static long du(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0; // deleted by a compaction meanwhile
                }
              })
          .sum();
    }
  }

  static String namespace(long i) {
    return "ns" + (i % NAMESPACES);
  }

  /** A random-looking id that the reader can compute again from {@code i}. */
  static String id(long i) {
    SplittableRandom r = new SplittableRandom(i * 0x9E3779B97F4A7C15L);
    return HEX.toHexDigits(r.nextLong()) + HEX.toHexDigits(r.nextLong());
  }

  /** A record of 1-3 kB: a result with a random payload, half of it text that compresses. */
  static ActivationRecord record(long i, SplittableRandom random) {
    int size = 700 + random.nextInt(2000);
    byte[] bytes = new byte[size / 4];
    random.nextBytes(bytes);
    String noise = HEX.formatHex(bytes);
    String text = "the quick brown fox jumps over the lazy dog ".repeat(size / 90 + 1);
    long start = System.currentTimeMillis();
    return new ActivationRecord(
        namespace(i),
        "action" + (i % ACTIONS),
        "0.0.1",
        namespace(i),
        id(i),
        start,
        start + 20,
        20,
        0,
        ActivationResponse.success(Json.object().put("payload", noise)),
        List.of(text),
        List.of(),
        false);
  }

  private static String arg(String[] args, String key, String fallback) {
    for (String a : args) if (a.startsWith(key + "=")) return a.substring(key.length() + 1);
    return fallback;
  }
}
