package io.kwhisk.perf.cpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads processes and threads from a {@code /proc} tree (the real one, or a fixture directory in
 * tests). Every read tolerates a process or thread that exits meanwhile: it is then simply absent.
 * Thread-safe (stateless).
 */
public final class Procfs {
  private final Path root;

  public Procfs(Path root) {
    this.root = root;
  }

  public static Procfs system() {
    return new Procfs(Path.of("/proc"));
  }

  /** Every numeric entry of the tree: the visible processes. */
  List<Integer> pids() {
    return numericEntries(root);
  }

  /** The thread ids of {@code pid}. */
  List<Integer> tids(int pid) {
    return numericEntries(root.resolve(Integer.toString(pid)).resolve("task"));
  }

  Optional<ProcStat> stat(int pid) {
    return readStat(root.resolve(Integer.toString(pid)).resolve("stat"));
  }

  Optional<ProcStat> threadStat(int pid, int tid) {
    return readStat(
        root.resolve(Integer.toString(pid))
            .resolve("task")
            .resolve(Integer.toString(tid))
            .resolve("stat"));
  }

  /**
   * The command line, arguments joined by spaces; empty when unreadable (gone, or a kernel thread).
   */
  public Optional<String> cmdline(int pid) {
    try {
      byte[] raw = Files.readAllBytes(root.resolve(Integer.toString(pid)).resolve("cmdline"));
      if (raw.length == 0) return Optional.empty();
      return Optional.of(new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip());
    } catch (IOException gone) {
      return Optional.empty();
    }
  }

  /**
   * The process listening on TCP {@code port} (any address, IPv4 or IPv6): the socket's inode from
   * {@code net/tcp}/{@code net/tcp6}, then the process holding a descriptor on {@code
   * socket:[inode]}. Empty when nothing listens or the owner's descriptors cannot be read (another
   * user's process without privileges).
   */
  public OptionalInt listeningPid(int port) {
    Set<String> inodes = new HashSet<>();
    for (String table : List.of("tcp", "tcp6")) {
      try {
        for (String line : Files.readAllLines(root.resolve("net").resolve(table))) {
          String[] f = line.strip().split("\\s+");
          if (f.length < 10 || !f[3].equals("0A")) continue;
          String local = f[1];
          int colon = local.lastIndexOf(':');
          if (colon > 0 && Integer.parseInt(local.substring(colon + 1), 16) == port)
            inodes.add(f[9]);
        }
      } catch (IOException | NumberFormatException unreadable) {
        // No such table (no IPv6) or an odd line: the other table may still have it.
      }
    }
    if (inodes.isEmpty()) return OptionalInt.empty();
    Set<String> links = new HashSet<>();
    for (String inode : inodes) links.add("socket:[" + inode + "]");
    for (int pid : pids()) {
      try (DirectoryStream<Path> fds =
          Files.newDirectoryStream(root.resolve(Integer.toString(pid)).resolve("fd"))) {
        for (Path fd : fds) {
          try {
            if (links.contains(Files.readSymbolicLink(fd).toString())) return OptionalInt.of(pid);
          } catch (IOException closed) {
            // The descriptor closed meanwhile.
          }
        }
      } catch (IOException notOurs) {
        // Gone, or not readable without privileges.
      }
    }
    return OptionalInt.empty();
  }

  private static Optional<ProcStat> readStat(Path file) {
    try {
      return Optional.of(ProcStat.parse(Files.readString(file, StandardCharsets.UTF_8)));
    } catch (IOException | RuntimeException gone) {
      return Optional.empty();
    }
  }

  private static List<Integer> numericEntries(Path dir) {
    List<Integer> out = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (!name.isEmpty() && name.chars().allMatch(Character::isDigit))
          out.add(Integer.parseInt(name));
      }
    } catch (IOException gone) {
      return List.of();
    }
    return out;
  }

  /**
   * The clock ticks per second of utime and stime ({@code getconf CLK_TCK}); 100 when it cannot be
   * asked.
   */
  public static long clockTicksPerSecond() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
      if (p.waitFor() == 0) return Long.parseLong(out);
    } catch (IOException | NumberFormatException e) {
      // Fall through to Linux's usual value.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "Procfs(%s)", root);
  }
}
