import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import {
  DomainError,
  OPERATOR_TOKEN_PATTERN,
  contracts,
  type CreateOperatorTokenBody,
  type CreatedOperatorToken,
  type OperatorTokenView,
} from '@ensemble/contracts';
import { LOGGER, NATS_BUS, type Logger, type NatsBus } from '@ensemble/shared';
import { createHash, randomBytes } from 'node:crypto';
import { OperatorTokenCache } from './operator-token-cache.js';
import { OperatorTokensRepository, type ActiveOperatorToken } from './operator-tokens.repository.js';

type Subscription = ReturnType<NatsBus['subscribe']>;

/** How long a gateway trusts a token it looked up: the bound on a revocation whose NATS event was lost. */
export const OPERATOR_TOKEN_CACHE_TTL_MS = 5_000;
/** `last_used_at` is written at most this often per token (a write per request would cost more than the request). */
const TOUCH_EVERY_MS = 60_000;
/** The wait for NATS to take the revocation before the answer (the other gateways are told before the caller is). */
const REVOKE_FLUSH_TIMEOUT_MS = 2_000;

const digest = (token: string) => createHash('sha256').update(token).digest();

/**
 * Personal operator tokens (decision 122): made, listed, revoked, and checked for the ops
 * guard. A token is `ens_op_<id hex>_<32 random bytes, base64url>`, shown once; the table
 * keeps its SHA-256 digest (the token has 256 random bits: a fast digest cannot be guessed
 * back). A revocation drops the token from this gateway's cache before answering and tells
 * every gateway over NATS; the cache's few seconds bound it if that event is lost.
 */
@Injectable()
export class OperatorTokenService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly cache = new OperatorTokenCache(OPERATOR_TOKEN_CACHE_TTL_MS);
  /** When this gateway last wrote each token's `last_used_at`. */
  private readonly touched = new Map<string, number>();
  private subscription: Subscription | undefined;

  constructor(
    private readonly repository: OperatorTokensRepository,
    @Inject(NATS_BUS) private readonly bus: NatsBus,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.bus.subscribe(contracts.operatorTokenRevoked, ({ id }) => this.cache.drop(id));
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** Whether a bearer looks like a personal token (else it can only be the shared one). */
  static looksLikeOne(bearer: string): boolean {
    return OPERATOR_TOKEN_PATTERN.test(bearer);
  }

  /** The live token this bearer is, or undefined (unknown, revoked, malformed). */
  async verify(bearer: string): Promise<ActiveOperatorToken | undefined> {
    if (!OperatorTokenService.looksLikeOne(bearer)) return undefined;
    const hash = digest(bearer);
    const key = hash.toString('base64');
    let token = this.cache.get(key);
    if (!token) {
      const generation = this.cache.generation();
      token = await this.repository.activeByHash(hash);
      if (!token) return undefined;
      this.cache.put(key, token, generation);
    }
    this.touch(token.id);
    return token;
  }

  async create(body: CreateOperatorTokenBody, createdBy: string): Promise<CreatedOperatorToken> {
    const idHex = randomBytes(6).toString('hex');
    const token = `ens_op_${idHex}_${randomBytes(32).toString('base64url')}`;
    const view = await this.repository.insert({
      id: `opt_${idHex}`,
      name: body.name,
      scope: body.scope,
      hash: digest(token),
      createdBy,
    });
    return { ...view, token };
  }

  list(): Promise<OperatorTokenView[]> {
    return this.repository.list();
  }

  /** Refused at once here and, through NATS, on every gateway; revoking a revoked token changes nothing. */
  async revoke(id: string): Promise<OperatorTokenView> {
    const view = await this.repository.revoke(id);
    if (!view) throw new DomainError('not-found', `no operator token ${id}`);
    this.cache.drop(id);
    this.bus.publish(contracts.operatorTokenRevoked, { id });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.bus.connection.flush(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('flush timed out')), REVOKE_FLUSH_TIMEOUT_MS);
        }),
      ]);
    } catch (e) {
      // The other gateways' caches let it go within OPERATOR_TOKEN_CACHE_TTL_MS anyway.
      this.logger.warn('operator token revocation not flushed to NATS', { tokenId: id, error: (e as Error).message });
    } finally {
      clearTimeout(timer);
    }
    return view;
  }

  private touch(id: string, now = Date.now()): void {
    if (now - (this.touched.get(id) ?? 0) < TOUCH_EVERY_MS) return;
    this.touched.set(id, now);
    this.repository.touch(id).catch((e: unknown) => {
      this.logger.warn('operator token last use not written', { tokenId: id, error: (e as Error).message });
    });
  }
}
