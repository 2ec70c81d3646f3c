package dev.signaling.node.support;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A WebSocket client written on a bare TCP socket, for floods: it writes any number of text frames
 * as one buffer, the way a flooding program blasts bytes, so that what a test measures is the
 * server's cost and not that of a well-behaved client sending frame by frame (one system call
 * each). Frames go out with an all-zero mask, which RFC 6455 allows and leaves the payload as it
 * is. Handlers run on the socket's event loop.
 */
public final class RawWebSocket {
  private static final String HANDSHAKE =
      "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  private static final int OPCODE_TEXT = 0x1;
  private static final int OPCODE_CLOSE = 0x8;
  private static final int OPCODE_PING = 0x9;
  private static final int OPCODE_PONG = 0xA;

  private final NetSocket socket;
  private final Promise<Void> upgraded = Promise.promise();
  private final Promise<Short> closed = Promise.promise();
  private Buffer pending = Buffer.buffer();
  private boolean open;
  private Short closeCode;
  private volatile Handler<String> textHandler = text -> {};

  private RawWebSocket(NetSocket socket) {
    this.socket = socket;
    socket.handler(this::onBytes);
    socket.closeHandler(
        ignored -> {
          upgraded.tryFail("closed before the upgrade");
          closed.tryComplete(closeCode);
        });
  }

  /** Connects to {@code path} and completes once the server has accepted the upgrade. */
  public static Future<RawWebSocket> connect(Vertx vertx, String host, int port, String path) {
    return vertx
        .createNetClient()
        .connect(port, host)
        .compose(
            socket -> {
              RawWebSocket webSocket = new RawWebSocket(socket);
              socket.write(String.format(HANDSHAKE, path, host, port));
              return webSocket.upgraded.future().map(webSocket);
            });
  }

  /** Called with every text message the server sends. */
  public RawWebSocket onText(Handler<String> handler) {
    this.textHandler = handler;
    return this;
  }

  /** Writes every text as a frame, all in one buffer. */
  public Future<Void> writeTexts(List<String> texts) {
    Buffer frames = Buffer.buffer();
    for (String text : texts) {
      appendFrame(frames, OPCODE_TEXT, text.getBytes(StandardCharsets.UTF_8));
    }
    return socket.write(frames);
  }

  /**
   * Completes when the TCP connection closes, with the status of the server's close frame, if one
   * came.
   */
  public Future<Short> closeFuture() {
    return closed.future();
  }

  public Future<Void> close() {
    return socket.close();
  }

  private static void appendFrame(Buffer frames, int opcode, byte[] payload) {
    frames.appendByte((byte) (0x80 | opcode));
    if (payload.length < 126) {
      frames.appendByte((byte) (0x80 | payload.length));
    } else if (payload.length < 65536) {
      frames.appendByte((byte) (0x80 | 126)).appendShort((short) payload.length);
    } else {
      frames.appendByte((byte) (0x80 | 127)).appendLong(payload.length);
    }
    frames.appendInt(0).appendBytes(payload);
  }

  private void onBytes(Buffer bytes) {
    pending.appendBuffer(bytes);
    if (!open) {
      String head = pending.toString(StandardCharsets.ISO_8859_1);
      int end = head.indexOf("\r\n\r\n");
      if (end < 0) {
        return;
      }
      if (!head.startsWith("HTTP/1.1 101")) {
        upgraded.tryFail("upgrade refused: " + head.substring(0, head.indexOf('\r')));
        socket.close();
        return;
      }
      open = true;
      pending = pending.getBuffer(end + 4, pending.length());
      upgraded.tryComplete();
    }
    readFrames();
  }

  /** Server frames are never masked; the node sends no fragmented messages. */
  private void readFrames() {
    int at = 0;
    while (pending.length() - at >= 2) {
      int opcode = pending.getByte(at) & 0x0F;
      int length = pending.getByte(at + 1) & 0x7F;
      int header = 2;
      if (length == 126) {
        if (pending.length() - at < 4) {
          break;
        }
        length = pending.getUnsignedShort(at + 2);
        header = 4;
      } else if (length == 127) {
        if (pending.length() - at < 10) {
          break;
        }
        length = (int) pending.getLong(at + 2);
        header = 10;
      }
      if (pending.length() - at < header + length) {
        break;
      }
      Buffer payload = pending.getBuffer(at + header, at + header + length);
      at += header + length;
      onFrame(opcode, payload);
    }
    pending = pending.getBuffer(at, pending.length());
  }

  private void onFrame(int opcode, Buffer payload) {
    switch (opcode) {
      case OPCODE_TEXT -> textHandler.handle(payload.toString(StandardCharsets.UTF_8));
      case OPCODE_PING -> {
        Buffer pong = Buffer.buffer();
        appendFrame(pong, OPCODE_PONG, payload.getBytes());
        socket.write(pong);
      }
      case OPCODE_CLOSE -> closeCode = payload.length() >= 2 ? payload.getShort(0) : null;
      default -> {
        // Pongs and anything else the node does not send: nothing to do.
      }
    }
  }
}
