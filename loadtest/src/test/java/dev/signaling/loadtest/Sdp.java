package dev.signaling.loadtest;

/**
 * Session descriptions of the size a browser sends: about 3 KB each, one audio and one video
 * section with the usual codecs, as Chrome writes them (addresses are documentation addresses). The
 * server relays them without looking inside; their size is what matters for the load.
 */
final class Sdp {
  private Sdp() {}

  private static final String[] OFFER_LINES = {
    "v=0",
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
    "s=-",
    "t=0 0",
    "a=group:BUNDLE 0 1",
    "a=extmap-allow-mixed",
    "a=msid-semantic: WMS 3f6c1a9e-8d2b-4f5e-9c1a-2b7d4e6f8a90",
    "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126",
    "c=IN IP4 0.0.0.0",
    "a=rtcp:9 IN IP4 0.0.0.0",
    "a=ice-ufrag:Xk3v",
    "a=ice-pwd:9qUf2Jr0zWm8YbH1sN4cT6aE",
    "a=ice-options:trickle",
    "a=fingerprint:sha-256 4A:1F:9C:22:7B:E0:5D:83:C6:11:AF:3E:90:27:B4:6D:58:E2:0C:71:9F:3A:B8:44:D1:6E:05:7C:A2:93:1B:F0",
    "a=setup:actpass",
    "a=mid:0",
    "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
    "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
    "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
    "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
    "a=sendrecv",
    "a=msid:3f6c1a9e-8d2b-4f5e-9c1a-2b7d4e6f8a90 7d1e2c3b-4a5f-6e7d-8c9b-0a1f2e3d4c5b",
    "a=rtcp-mux",
    "a=rtcp-rsize",
    "a=rtpmap:111 opus/48000/2",
    "a=rtcp-fb:111 transport-cc",
    "a=fmtp:111 minptime=10;useinbandfec=1",
    "a=rtpmap:63 red/48000/2",
    "a=fmtp:63 111/111",
    "a=rtpmap:9 G722/8000",
    "a=rtpmap:0 PCMU/8000",
    "a=rtpmap:8 PCMA/8000",
    "a=rtpmap:13 CN/8000",
    "a=rtpmap:110 telephone-event/48000",
    "a=rtpmap:126 telephone-event/8000",
    "a=ssrc:1532986271 cname:b2Q9yLx0sV7eKp3T",
    "a=ssrc:1532986271 msid:3f6c1a9e-8d2b-4f5e-9c1a-2b7d4e6f8a90 7d1e2c3b-4a5f-6e7d-8c9b-0a1f2e3d4c5b",
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 104 105 106 107 108 109 127 125 39 40 45 46 98 99 100 101 112 113",
    "c=IN IP4 0.0.0.0",
    "a=rtcp:9 IN IP4 0.0.0.0",
    "a=ice-ufrag:Xk3v",
    "a=ice-pwd:9qUf2Jr0zWm8YbH1sN4cT6aE",
    "a=ice-options:trickle",
    "a=fingerprint:sha-256 4A:1F:9C:22:7B:E0:5D:83:C6:11:AF:3E:90:27:B4:6D:58:E2:0C:71:9F:3A:B8:44:D1:6E:05:7C:A2:93:1B:F0",
    "a=setup:actpass",
    "a=mid:1",
    "a=extmap:14 urn:ietf:params:rtp-hdrext:toffset",
    "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
    "a=extmap:13 urn:3gpp:video-orientation",
    "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
    "a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay",
    "a=extmap:6 http://www.webrtc.org/experiments/rtp-hdrext/video-content-type",
    "a=extmap:7 http://www.webrtc.org/experiments/rtp-hdrext/video-timing",
    "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
    "a=sendrecv",
    "a=msid:3f6c1a9e-8d2b-4f5e-9c1a-2b7d4e6f8a90 c4d5e6f7-0812-4a3b-9c4d-5e6f7a8b9c0d",
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
    "a=rtpmap:98 VP9/90000",
    "a=rtcp-fb:98 transport-cc",
    "a=rtcp-fb:98 nack pli",
    "a=fmtp:98 profile-id=0",
    "a=rtpmap:99 rtx/90000",
    "a=fmtp:99 apt=98",
    "a=rtpmap:102 H264/90000",
    "a=rtcp-fb:102 transport-cc",
    "a=rtcp-fb:102 nack pli",
    "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
    "a=rtpmap:103 rtx/90000",
    "a=fmtp:103 apt=102",
    "a=rtpmap:45 AV1/90000",
    "a=rtcp-fb:45 transport-cc",
    "a=rtcp-fb:45 nack pli",
    "a=rtpmap:46 rtx/90000",
    "a=fmtp:46 apt=45",
    "a=rtpmap:112 red/90000",
    "a=rtpmap:113 ulpfec/90000",
    "a=ssrc-group:FID 2231627014 632943048",
    "a=ssrc:2231627014 cname:b2Q9yLx0sV7eKp3T",
    "a=ssrc:632943048 cname:b2Q9yLx0sV7eKp3T",
  };

  /** The offer's SDP text, lines ended by CRLF as in a real description. */
  static final String OFFER = String.join("\r\n", OFFER_LINES) + "\r\n";

  /** The answer: the same media, with the answerer's DTLS role. */
  static final String ANSWER =
      OFFER
          .replace("a=setup:actpass", "a=setup:active")
          .replace("o=- 4611731400430051336", "o=- 8022719440211395587");

  /** {@code text} as the inside of a JSON string (the SDP has CRLFs and nothing else to escape). */
  static String jsonEscaped(String text) {
    StringBuilder escaped = new StringBuilder(text.length() + 200);
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> escaped.append("\\\"");
        case '\\' -> escaped.append("\\\\");
        case '\r' -> escaped.append("\\r");
        case '\n' -> escaped.append("\\n");
        default -> {
          if (c < 0x20) {
            escaped.append(String.format("\\u%04x", (int) c));
          } else {
            escaped.append(c);
          }
        }
      }
    }
    return escaped.toString();
  }
}
