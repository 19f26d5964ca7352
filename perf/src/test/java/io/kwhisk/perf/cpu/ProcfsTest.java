package io.kwhisk.perf.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class ProcfsTest {
  @TempDir Path proc;

  static String stat(int pid, String comm, long utime, long stime, long start) {
    return pid
        + " ("
        + comm
        + ") S 1 1 1 0 -1 0 0 0 0 0 "
        + utime
        + " "
        + stime
        + " 0 0 20 0 1 0 "
        + start
        + " 0 0\n";
  }

  @Test
  void theProcessListeningOnAPortIsFoundThroughItsSocketsInode() throws Exception {
    Files.createDirectories(proc.resolve("net"));
    // 0x0CE2 = 3298, state 0A = LISTEN; the same port in state 01 (an accepted connection) must not
    // count.
    Files.writeString(
        proc.resolve("net/tcp"),
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
            + "retrnsmt   uid  timeout inode\n"
            + "   0: 0100007F:0CE2 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 111 1\n");
    Files.writeString(
        proc.resolve("net/tcp6"),
        "  sl  local_address ...\n"
            + "   0: 00000000000000000000000000000000:0CE2 00000000000000000000000000000000:0000 0A "
            + "00000000:00000000 00:00000000 00000000     0        0 222 1\n");
    Files.createDirectories(proc.resolve("7/fd"));
    Files.createSymbolicLink(proc.resolve("7/fd/3"), Path.of("socket:[111]"));
    Files.createDirectories(proc.resolve("9/fd"));
    Files.createSymbolicLink(proc.resolve("9/fd/0"), Path.of("/dev/null"));
    Files.createSymbolicLink(proc.resolve("9/fd/41"), Path.of("socket:[222]"));
    Procfs fs = new Procfs(proc);

    assertThat(fs.listeningPid(3298)).hasValue(9);
    assertThat(fs.listeningPid(3233)).isEmpty();
  }

  @Test
  void threadsAreReadFromTheTaskDirectoryAndAVanishedOneIsSimplyAbsent() throws Exception {
    Files.createDirectories(proc.resolve("5/task/5"));
    Files.createDirectories(proc.resolve("5/task/6"));
    Files.writeString(proc.resolve("5/stat"), stat(5, "java", 10, 5, 100));
    Files.writeString(proc.resolve("5/task/5/stat"), stat(5, "java", 1, 1, 100));
    Files.writeString(proc.resolve("5/cmdline"), "java\0-jar\0kwhisk-standalone.jar\0");
    Files.createDirectories(proc.resolve("self"));
    Procfs fs = new Procfs(proc);

    assertThat(fs.pids()).containsExactly(5);
    assertThat(fs.tids(5)).containsExactlyInAnyOrder(5, 6);
    assertThat(fs.threadStat(5, 5)).hasValueSatisfying(s -> assertThat(s.ticks()).isEqualTo(2));
    assertThat(fs.threadStat(5, 6)).isEmpty();
    assertThat(fs.cmdline(5)).hasValue("java -jar kwhisk-standalone.jar");
    assertThat(fs.stat(8)).isEmpty();
  }
}
