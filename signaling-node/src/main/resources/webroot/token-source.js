// Where the page's tokens come from, when the deployment's config.js names a token endpoint.

/**
 * A token provider for SignalingClient's `token` option, or null when the page signs in by name. The
 * client calls it for every login, each reconnect's included, and before the token expires.
 */
export function tokenProvider(config) {
  if (typeof config.token === 'function') {
    return config.token;
  }
  return config.tokenUrl ? () => fetchToken(config.tokenUrl) : null;
}

// Same origin, with the person's cookies (the site's own sign-in), and never from a cache: each call is a
// fresh token. The page's Content-Security-Policy allows only its own origin.
async function fetchToken(url) {
  let response;
  try {
    response = await fetch(url, {
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { Accept: 'application/json, text/plain' },
    });
  } catch (error) {
    throw new Error(`Could not get a sign-in token: ${url} cannot be reached.`);
  }
  if (!response.ok) {
    throw new Error(
      `Could not get a sign-in token: ${url} answered ${response.status}. Are you signed in to the site?`);
  }
  const json = (response.headers.get('Content-Type') || '').includes('json');
  const token = json ? (await response.json()).token : (await response.text()).trim();
  if (typeof token !== 'string' || token === '') {
    throw new Error(`Could not get a sign-in token: ${url} answered without one.`);
  }
  return token;
}
