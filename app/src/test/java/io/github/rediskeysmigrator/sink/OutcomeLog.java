package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.CommandEvent;
import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.WriteFailure;
import io.github.rediskeysmigrator.core.WriteListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link WriteListener} that writes each outcome down as a line ({@code "written k1"}, {@code
 * "failed k2: OOM ..."}), and keeps each failure as it came, for the fast engine tests.
 */
public final class OutcomeLog implements WriteListener {
  private final List<String> lines = new ArrayList<>();

  /** Each key's or command's last failure, by its name (a command's: its offset). */
  public final Map<String, WriteFailure> failures = new ConcurrentHashMap<>();

  /** Every outcome so far, in the order it came. */
  public synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  private synchronized void add(String line) {
    lines.add(line);
  }

  private static String name(KeyEvent e) {
    return new String(e.key(), StandardCharsets.UTF_8);
  }

  @Override
  public void written(KeyEvent event) {
    add("written " + name(event));
  }

  @Override
  public void rewritten(KeyEvent event) {
    add("rewritten " + name(event));
  }

  @Override
  public void expired(KeyEvent event) {
    add("expired " + name(event));
  }

  @Override
  public void existed(KeyEvent event) {
    add("existed " + name(event));
  }

  @Override
  public void failed(KeyEvent event, WriteFailure failure) {
    failures.put(name(event), failure);
    add("failed " + name(event) + ": " + failure.reason());
  }

  @Override
  public void lost(KeyEvent event, WriteFailure failure) {
    failures.put(name(event), failure);
    add("lost " + name(event));
  }

  @Override
  public void commandApplied(CommandEvent command) {
    add("applied " + command.offset());
  }

  @Override
  public void commandFailed(CommandEvent command, WriteFailure failure) {
    failures.put(String.valueOf(command.offset()), failure);
    add("command failed " + command.offset() + ": " + failure.reason());
  }
}
