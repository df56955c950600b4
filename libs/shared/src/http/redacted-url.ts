/** A URL for logs and records: no user info, query or fragment (a node's credentials can hide there). */
export function redactedUrl(raw: string): string {
  try {
    const u = new URL(raw);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}
