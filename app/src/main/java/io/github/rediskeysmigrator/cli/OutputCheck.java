package io.github.rediskeysmigrator.cli;

import io.github.rediskeysmigrator.core.ExitCode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Proves, before a run writes anything, that a file it will write at some point (the report, the
 * checkpoint) can be written: by opening it when it exists (without changing it), or by creating it
 * and removing it again. A bad path then fails the run at start (exit 2), not after every key was
 * written.
 */
final class OutputCheck {
  private OutputCheck() {}

  /**
   * The exit code of a run whose report could not be written at the end, with the line that says so
   * on {@code err}: a script that asked for a report must not read success without one.
   *
   * @param exit the code the run would have had
   */
  static int reportMissing(java.io.PrintStream err, int exit) {
    err.println(
        "error: the run ended with exit code "
            + exit
            + " but its report is missing: exit code "
            + ExitCode.REPORT_UNWRITTEN);
    return ExitCode.REPORT_UNWRITTEN;
  }

  /**
   * Checks that {@code file} can be created or overwritten in place.
   *
   * @param what the file's role in messages, e.g. {@code "the report"}
   * @throws IllegalArgumentException {@code cannot write <what> <file>: <why>}
   */
  static void writable(Path file, String what) {
    if (file == null) {
      return;
    }
    if (Files.isDirectory(file)) {
      throw refused(what, file, "it is a directory");
    }
    if (Files.exists(file)) {
      // Opened for writing without TRUNCATE: the file (or /dev/stdout) is left as it was.
      try (FileChannel ignored = FileChannel.open(file, StandardOpenOption.WRITE)) {
        return;
      } catch (IOException e) {
        throw refused(what, file, why(e, file));
      }
    }
    createAndRemove(file, file, what);
  }

  /**
   * Checks that {@code file} can be replaced atomically the way a checkpoint is saved: a sibling
   * {@code <file>.tmp} created in its directory, then renamed over it.
   *
   * @throws IllegalArgumentException {@code cannot write <what> <file>: <why>}
   */
  static void replaceable(Path file, String what) {
    if (file == null) {
      return;
    }
    if (Files.isDirectory(file)) {
      throw refused(what, file, "it is a directory");
    }
    Path absolute = file.toAbsolutePath();
    createAndRemove(absolute.resolveSibling(absolute.getFileName() + ".tmp"), file, what);
  }

  private static void createAndRemove(Path probe, Path file, String what) {
    try {
      Files.newByteChannel(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
    } catch (IOException e) {
      throw refused(what, file, why(e, probe));
    }
    try {
      Files.delete(probe);
    } catch (IOException e) {
      throw refused(
          what, file, "created " + probe + " to try, but cannot remove it: " + why(e, probe));
    }
  }

  private static String why(IOException e, Path probe) {
    Path dir = probe.toAbsolutePath().getParent();
    if (e instanceof NoSuchFileException && dir != null && !Files.isDirectory(dir)) {
      return "no such directory " + dir;
    }
    if (e instanceof NoSuchFileException && dir != null) {
      // The directory is there but takes no new file (/proc, say).
      return "cannot create a file in " + dir;
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    return e.toString();
  }

  private static IllegalArgumentException refused(String what, Path file, String why) {
    return new IllegalArgumentException("cannot write " + what + " " + file + ": " + why);
  }
}
