package io.github.rediskeysmigrator.sink;

import io.github.rediskeysmigrator.core.FunctionListener;

/**
 * Function-library outcomes of a cluster master after the first: only failures add to the report,
 * the first master's outcomes are what it counts.
 */
final class FailuresOnly implements FunctionListener {
  private final FunctionListener report;

  FailuresOnly(FunctionListener report) {
    this.report = report;
  }

  @Override
  public void restored(int index) {
    // counted once, for the first master
  }

  @Override
  public void existed(int index, String reply) {
    // counted once, for the first master
  }

  @Override
  public void failed(int index, String reason) {
    report.failed(index, reason);
  }
}
