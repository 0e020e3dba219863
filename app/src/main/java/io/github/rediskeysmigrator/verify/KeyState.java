package io.github.rediskeysmigrator.verify;

import io.github.rediskeysmigrator.core.KeyEvent;
import io.github.rediskeysmigrator.core.KeyType;
import io.github.rediskeysmigrator.core.ValueDigest;

/**
 * What one side (an RDB file, the live source or the destination) holds under one key, as far as
 * verifying needs it.
 *
 * @param type the key's type, or null when the key does not exist there
 * @param expireAtMs absolute expiry in Unix milliseconds, or {@link KeyEvent#NO_EXPIRY}
 * @param payload the DUMP payload, or null for a key too big to DUMP (compared in chunks)
 * @param digest the value's digest when it was already computed in chunks, else null
 * @param unreadable why the value could not be read (it changed while being read), else null
 */
public record KeyState(
    KeyType type, long expireAtMs, byte[] payload, ValueDigest.Result digest, String unreadable) {

  /** The key does not exist on this side. */
  public static KeyState missing() {
    return new KeyState(null, KeyEvent.NO_EXPIRY, null, null, null);
  }

  /** A key read whole, as a DUMP payload. */
  public static KeyState ofPayload(KeyType type, long expireAtMs, byte[] payload) {
    return new KeyState(type, expireAtMs, payload, null, null);
  }

  /** A key above the size threshold, whose value is to be read in chunks. */
  public static KeyState big(KeyType type, long expireAtMs) {
    return new KeyState(type, expireAtMs, null, null, null);
  }

  /** The same key with its value's digest, read in chunks. */
  public KeyState withDigest(ValueDigest.Result d) {
    return new KeyState(type, expireAtMs, payload, d, null);
  }

  /** The same key, marked as unreadable for {@code reason}. */
  public KeyState withUnreadable(String reason) {
    return new KeyState(type, expireAtMs, payload, digest, reason);
  }

  public boolean exists() {
    return type != null;
  }

  public boolean hasExpiry() {
    return expireAtMs != KeyEvent.NO_EXPIRY;
  }

  /** Whether the value is to be (or was) read in chunks rather than with DUMP. */
  public boolean big() {
    return exists() && payload == null;
  }
}
