package io.github.rediskeysmigrator.core;

/** Learns what the destination did with each function library. */
public interface FunctionListener {
  /** The library was loaded. */
  void restored(int index);

  /** A library of that name already existed and was left alone (policy skip or fail). */
  void existed(int index, String reply);

  /** The destination refused the library. */
  void failed(int index, String reason);
}
