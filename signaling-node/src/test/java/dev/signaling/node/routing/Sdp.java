package dev.signaling.node.routing;

/** Realistic session descriptions, so that tests relay what browsers send. */
final class Sdp {
  static final String OFFER =
      String.join(
          "\r\n",
          "v=0",
          "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
          "s=-",
          "t=0 0",
          "a=group:BUNDLE 0 1",
          "a=extmap-allow-mixed",
          "a=msid-semantic: WMS stream",
          "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126",
          "c=IN IP4 0.0.0.0",
          "a=rtcp:9 IN IP4 0.0.0.0",
          "a=ice-ufrag:Xk3f",
          "a=ice-pwd:5XgBB9vCKCPyxWpbzTRyTTrS",
          "a=ice-options:trickle",
          "a=fingerprint:sha-256 3C:4A:59:15:2C:44:E5:73:31:40:49:A8:A3:2E:7A:52:DA:07:3B:8F:A1:C5:4E:56:64:A4:8E:2A:6B:97:8D:1B",
          "a=setup:actpass",
          "a=mid:0",
          "a=sendrecv",
          "a=rtcp-mux",
          "a=rtpmap:111 opus/48000/2",
          "a=fmtp:111 minptime=10;useinbandfec=1",
          "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103",
          "c=IN IP4 0.0.0.0",
          "a=mid:1",
          "a=sendrecv",
          "a=rtcp-mux",
          "a=rtcp-rsize",
          "a=rtpmap:96 VP8/90000",
          "a=rtcp-fb:96 goog-remb",
          "a=rtcp-fb:96 transport-cc",
          "a=rtcp-fb:96 ccm fir",
          "a=rtcp-fb:96 nack",
          "a=rtcp-fb:96 nack pli",
          "a=rtpmap:97 rtx/90000",
          "a=fmtp:97 apt=96",
          "a=rtpmap:102 H264/90000",
          "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f",
          "");

  static final String ANSWER =
      OFFER.replace("a=setup:actpass", "a=setup:active").replace("Xk3f", "Yq9a");

  private Sdp() {}
}
