// How this deployment signs people in. The node serves this file as it is: people pick their own name,
// which suits nodes that accept logins by name. A deployment whose nodes require JSON Web Tokens serves
// its own /config.js instead, from the reverse proxy in front of the nodes, with a token endpoint of
// its site (see docs/web-app.md, "Signing in with tokens"):
//
//   export default { tokenUrl: '/signaling-token' };
export default {
  // null: sign in by name. Otherwise a URL of the page's own origin that answers GET, with the person's
  // cookies, with a fresh token for them: the token as text/plain, or JSON {"token": "..."}.
  tokenUrl: null,
  // How the page reaches the node: 'auto' (a WebSocket, and the HTTP transport where WebSockets are
  // blocked), 'websocket', 'http' or 'long-poll'. A page address with ?transport=... overrides it.
  transport: 'auto',
  // null: the node the page came from (ws(s)://<page's host>/ws), which, behind a load balancer, is
  // whichever node it picks. Otherwise the WebSocket endpoints of several nodes, e.g.
  // ['wss://a.signal.example.org/ws', 'wss://b.signal.example.org/ws'], or paths of the page's own origin
  // ('/a/ws'): the page connects to the first that answers and, when its node dies or shuts down, goes on
  // to the next, where it resumes its session. Origins other than the page's must also be allowed by the
  // page's Content-Security-Policy (connect-src); see docs/web-app.md.
  signalingUrls: null,
};
