package dev.signaling.protocol;

/**
 * Validation of user names (and, later, room names): 1-64 characters from letters, digits and
 * {@code ._-@}.
 */
public final class Names {
  public static final int MAX_LENGTH = 64;

  private Names() {}

  public static boolean isValid(String name) {
    if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (!isAllowed(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  // ASCII only on purpose: look-alike Unicode letters would let one user impersonate another's
  // name.
  private static boolean isAllowed(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '-'
        || c == '@';
  }
}
