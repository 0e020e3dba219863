package io.github.rediskeysmigrator.sink;

/**
 * A pipeline slot for a command of ours that stands for no key (MULTI, SELECT, ASKING, the
 * checkpoint SET): its reply is checked, not booked.
 *
 * @param what the command's name
 */
record ControlCommand(String what) {}
