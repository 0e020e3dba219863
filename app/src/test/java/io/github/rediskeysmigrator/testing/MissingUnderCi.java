package io.github.rediskeysmigrator.testing;

/**
 * A test failed because a {@link Requirement} is missing where {@code CI=true} wants every test.
 */
public final class MissingUnderCi extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Requirement requirement;

  MissingUnderCi(Requirement requirement) {
    super(
        "CI=true and "
            + requirement.what()
            + " is missing, so the tests that need it cannot run: "
            + requirement.howToGet());
    this.requirement = requirement;
  }

  public Requirement requirement() {
    return requirement;
  }
}
