import type { ActiveOperatorToken } from './operator-tokens.repository.js';

interface Entry {
  token: ActiveOperatorToken;
  expiresAt: number;
}

/**
 * Live tokens by digest for a few seconds, so that a burst of ops calls reads the table once
 * (decision 122). Revocation must win at once: `drop` removes every entry of the token and
 * starts a new generation, so a lookup that began before the revocation cannot put the
 * revoked token back (its `put` carries the old generation and is ignored). Only live tokens
 * are kept: an unknown token is looked up each time (a new one works at once).
 */
export class OperatorTokenCache {
  private readonly entries = new Map<string, Entry>();
  private gen = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 1000,
  ) {}

  /** Taken before a lookup, given back to `put`. */
  generation(): number {
    return this.gen;
  }

  get(key: string, now = Date.now()): ActiveOperatorToken | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e.token;
  }

  put(key: string, token: ActiveOperatorToken, generation: number, now = Date.now()): void {
    if (generation !== this.gen) return;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { token, expiresAt: now + this.ttlMs });
  }

  /** The token `id` was revoked: forget it, and any lookup still under way. */
  drop(id: string): void {
    this.gen++;
    for (const [key, e] of this.entries) if (e.token.id === id) this.entries.delete(key);
  }
}
