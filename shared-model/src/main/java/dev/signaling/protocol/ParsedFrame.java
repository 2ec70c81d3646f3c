package dev.signaling.protocol;

/**
 * The top level of a client frame as {@link FrameParser} read it: the fields the protocol acts on,
 * and where a client-written {@code from} sits in the text. Everything else stays in {@code text},
 * unread.
 *
 * <p>A field holds a {@code String}, an {@code Integer}/{@code Long}/{@code BigInteger} for
 * integers, {@link #WRONG_TYPE} for any other JSON value (objects, arrays, booleans, fractions), or
 * {@code null} when absent or JSON {@code null}.
 *
 * @param fromStart index of the first character of the {@code from} member to remove (with one
 *     comma), or -1
 * @param fromEnd index after its last character, or -1
 */
record ParsedFrame(
    String text,
    Object type,
    Object target,
    Object room,
    Object id,
    Object name,
    Object token,
    Object resume,
    int fromStart,
    int fromEnd) {

  /** A field whose JSON value is not a string or integer. */
  static final Object WRONG_TYPE =
      new Object() {
        @Override
        public String toString() {
          return "a value of the wrong type";
        }
      };

  boolean hasFrom() {
    return fromStart >= 0;
  }
}
