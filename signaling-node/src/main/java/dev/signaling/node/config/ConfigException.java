package dev.signaling.node.config;

/** A setting that cannot be used; the message names the setting and what is accepted. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
