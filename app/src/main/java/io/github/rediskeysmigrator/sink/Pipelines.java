package io.github.rediskeysmigrator.sink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The two pipelines of a writer, as slots: the one being built and the one in flight (sent, its
 * replies not all read). Each slot holds what the reply in its position is booked by (for the
 * writer, a {@link Slot}). The arrays are reused for every batch.
 *
 * @param <S> what a slot holds
 */
final class Pipelines<S> {
  private Object[] building;
  private int buildingCount;
  private Object[] inFlight;
  private int inFlightCount;
  // Replies of the pipeline in flight already read.
  private int answered;

  Pipelines(int size) {
    building = new Object[size];
    inFlight = new Object[size];
  }

  /** Adds a slot to the pipeline being built; true when that pipeline is now full. */
  boolean add(S slot) {
    building[buildingCount++] = slot;
    return buildingCount == building.length;
  }

  boolean building() {
    return buildingCount > 0;
  }

  boolean inFlight() {
    return answered < inFlightCount;
  }

  /** The slot of the next reply to read; it leaves the pipeline in flight. */
  @SuppressWarnings("unchecked")
  S nextAnswered() {
    S slot = (S) inFlight[answered];
    inFlight[answered++] = null;
    return slot;
  }

  /** Every reply of the pipeline in flight was read. */
  void allAnswered() {
    inFlightCount = 0;
    answered = 0;
  }

  /** The pipeline being built goes out; the one in flight must be answered. */
  void rotate() {
    Object[] t = inFlight;
    inFlight = building;
    inFlightCount = buildingCount;
    answered = 0;
    building = t;
    buildingCount = 0;
  }

  /** The slots being built, removed from the pipeline. */
  @SuppressWarnings("unchecked")
  List<S> takeBuilding() {
    List<S> slots = new ArrayList<>((List<S>) Arrays.asList(building).subList(0, buildingCount));
    Arrays.fill(building, 0, buildingCount, null);
    buildingCount = 0;
    return slots;
  }

  /** Every slot without a reply, in order (in flight, then being built); both are left empty. */
  @SuppressWarnings("unchecked")
  List<S> takeUnanswered() {
    List<S> slots =
        new ArrayList<>((List<S>) Arrays.asList(inFlight).subList(answered, inFlightCount));
    Arrays.fill(inFlight, 0, inFlightCount, null);
    allAnswered();
    slots.addAll(takeBuilding());
    return slots;
  }
}
