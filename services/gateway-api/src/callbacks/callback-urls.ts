import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, DEFAULT_TENANT } from '@ensemble/shared';
import type { BbbParams } from '../bbb-api/bbb-params.js';
import type { GatewayConfig } from '../config.js';
import { CALLBACK_PATH, callbackUrlParts, withCallbacksRestored, withCallbacksTakenOver } from './callback-params.js';
import { CallbackTokens, type CallbackSource, type CallbackTarget } from './callback-token.js';

/** Whose meeting a create call makes: the tenant and the meetingID it sent. */
export interface CallbackOwner {
  tenant: string;
  meetingID: string;
}

/**
 * The callback URLs of create calls (decision 113): the integration's replaced by Ensemble
 * URLs for the node (tokens sealed with the gateway's key), and shown again in answers.
 * The rewritten create call is what is stored and re-sent to another node, so a moved
 * meeting calls back through the same URLs.
 */
@Injectable()
export class CallbackUrls {
  private readonly tokens: CallbackTokens;
  private readonly base: string | undefined;

  constructor(@Inject(CONFIG) config: GatewayConfig) {
    this.tokens = new CallbackTokens(config.CALLBACK_TOKEN_SECRET ?? config.OPS_TOKEN);
    this.base = config.CALLBACK_BASE_URL ?? config.PUBLIC_URL;
  }

  /** The create call for the node; `origin` is where the create came to (used without a base URL set). */
  takeOver(params: BbbParams, owner: CallbackOwner, origin: string): BbbParams {
    const base = (this.base ?? origin).replace(/\/+$/, '');
    // One per create call: a meeting ends once, however often its node calls back.
    const nonce = randomBytes(9).toString('base64url');
    return withCallbacksTakenOver(
      params,
      (source, url) =>
        `${base}${CALLBACK_PATH}/${source}/${this.tokens.seal({ source, tenant: owner.tenant, meetingID: owner.meetingID, url, nonce })}`,
    );
  }

  /** An answer's XML with the tenant's own callback URLs shown again (never another tenant's). */
  restore(xml: string, tenant: string): string {
    return withCallbacksRestored(xml, (source, token) => {
      const target = this.open(source, token);
      return target?.tenant === tenant ? target.url : undefined;
    });
  }

  /** The target of a token for the receiver at `source`; undefined if it was not sealed for it. */
  open(source: string, token: string): CallbackTarget | undefined {
    const target = this.tokens.open(token);
    return target?.source === source ? target : undefined;
  }

  /** The target of one of Ensemble's callback URLs (e.g. in a recording's metadata). */
  openUrl(source: CallbackSource, value: string): CallbackTarget | undefined {
    const parts = callbackUrlParts(value);
    return parts && parts.source === source ? this.open(source, parts.token) : undefined;
  }

  /**
   * A recording's `ensemble-recording-ready-url`: an Ensemble URL with a token, or the
   * integration's URL itself (recorded before decision 113: the default tenant's).
   */
  recordingReadyTarget(value: string, meetingID: string): CallbackTarget | undefined {
    if (callbackUrlParts(value)) return this.openUrl('recording-ready', value);
    return { source: 'recording-ready', tenant: DEFAULT_TENANT, meetingID, url: value, nonce: 'legacy' };
  }
}
