package io.github.rediskeysmigrator.testing;

import org.opentest4j.TestAbortedException;

/** A test skipped (aborted, as a JUnit assumption) because a {@link Requirement} is missing. */
public final class NotTested extends TestAbortedException {
  private static final long serialVersionUID = 1L;

  private final transient Requirement requirement;

  NotTested(Requirement requirement) {
    super("not tested here: " + requirement.what() + " not found; " + requirement.howToGet());
    this.requirement = requirement;
  }

  public Requirement requirement() {
    return requirement;
  }
}
