// Authenticated calls to the results sink's REST API.

const TOKEN_KEY = 'tunet.results.token';

export function takeTokenFromLocation() {
  const match = /(?:^|[#&])token=([^&]+)/.exec(window.location.hash);
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function request(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { ...(options.headers || {}), Authorization: `Bearer ${token()}` },
  });
  if (!response.ok) {
    let message = response.statusText;
    try {
      message = (await response.json()).error || message;
    } catch (e) {
      // not JSON: keep the status text
    }
    throw new HttpError(response.status, message);
  }
  return response;
}

export async function getJson(path) {
  return (await request(path)).json();
}

export async function getImage(path) {
  const blob = await (await request(path)).blob();
  return createImageBitmap(blob);
}

export async function postJson(path, body) {
  return (await request(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })).json();
}

/**
 * Follows the live stream. An EventSource cannot send the token, and a token in the address would end up in
 * logs and history, so every connection opens with a fresh one-use ticket; the browser's own reconnect would
 * reuse a spent one, so a dropped stream is closed and opened again here, with a new ticket.
 */
export function liveEvents(onEvent, onState) {
  let failures = 0;
  const reconnect = () => {
    onState(false);
    failures += 1;
    setTimeout(connect, Math.min(30000, 1000 * 2 ** Math.min(failures, 5)));
  };
  async function connect() {
    let ticket;
    try {
      ticket = (await (await request('/api/live/tickets', { method: 'POST' })).json()).ticket;
    } catch (e) {
      reconnect();
      return;
    }
    const source = new EventSource(`/api/stream?ticket=${encodeURIComponent(ticket)}`);
    source.onopen = () => {
      failures = 0;
      onState(true);
    };
    source.onerror = () => {
      source.close();
      reconnect();
    };
    source.onmessage = (message) => onEvent(JSON.parse(message.data));
  }
  connect();
}
