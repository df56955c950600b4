import { Inject, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError, endMeetingXml, isMeetingRunningXml, type CallToSign } from '@ensemble/contracts';
import { CONFIG, LOGGER, bbbApiRoomKey, encodeQuery, type Logger } from '@ensemble/shared';
import type { GatewayConfig } from '../config.js';
import { BbbMeetingService, type CreateCall } from '../meetings/bbb-meeting.service.js';
import { BbbNodeClient, type ReadReply } from '../meetings/bbb-node.client.js';
import { NodeCallError } from '../meetings/node-call.error.js';
import { quotaFailureOf } from '../meetings/bbb-failure.js';
import { usable } from '../meetings/scheduler.client.js';
import { failed, joinError, redirect, relay, xmlAnswer, type BbbAnswer } from './bbb-answer.js';
import { BbbParams } from './bbb-params.js';
import { CallbackUrls } from '../callbacks/callback-urls.js';
import { CreateParamsRepository, type StoredCreate } from './create-params.repository.js';
import { KeepAliveThrottle } from './keep-alive.js';
import { applyPolicy, type ParameterPolicy } from './parameter-policy.js';
import { globalParameterPolicy } from './parameter-policy.config.js';
import { placementHints } from './placement-hints.js';
import type { TenantScope } from '../tenants/tenant-scope.js';

export interface XmlBody {
  body: string;
  contentType: string;
}

/** How long a join waits for its keep-alive write (which takes a millisecond or two when all is well). */
const KEEP_ALIVE_WAIT_MS = 200;

/** Fields of a fresh create answer kept so a re-created meeting keeps its passwords and dial-in. */
const KEEP_ON_RECREATE = ['attendeePW', 'moderatorPW', 'voiceBridge'] as const;

/**
 * BBB API calls on one meeting: BBB's parameters and answers around the one
 * meeting path (`BbbMeetingService`). Failures of that path are thrown and
 * mapped once to BBB errors (`bbbFailureOf`, in BbbApiService).
 */
@Injectable()
export class MeetingCallsService {
  private readonly keepAlive = new KeepAliveThrottle();
  /** The operator's policy for create and join parameters (decision 111). */
  private readonly policy: ParameterPolicy;

  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly meetings: BbbMeetingService,
    private readonly nodes: BbbNodeClient,
    private readonly store: CreateParamsRepository,
    private readonly callbacks: CallbackUrls,
  ) {
    this.policy = globalParameterPolicy(config);
  }

  async create(incoming: BbbParams, xml: XmlBody | undefined, scope: TenantScope, origin: string): Promise<BbbAnswer> {
    const sent = incoming.text('meetingID');
    if (!sent) return failed('missingParamMeetingID');
    // The node's meetingID is namespaced (decision 110): the tenant's prefix counts in BBB's limit.
    const meetingID = scope.nodeMeetingId(sent);
    if (sent.length < 2 || meetingID.length > 256) return failed('meetingIdLength');
    if (sent.includes(',')) return failed('meetingIdComma');
    if (!incoming.text('name')) return failed('missingName');
    // Nodes call Ensemble, Ensemble the integration: its callback URLs are taken over (decisions
    // 103, 113), after the policy (a policy's callback URL is taken over too).
    const params = this.callbacks.takeOver(
      applyPolicy(incoming, 'create', this.policy, scope.tenant.policy).with('meetingID', meetingID),
      { tenant: scope.name, meetingID: sent },
      origin,
    );
    // Read first: without PostgreSQL nothing is placed or created (a meeting that could not be
    // re-created after a failure), the call fails at once (internalError).
    const known = await this.store.get(meetingID);
    const { placement, created } = await this.meetings.create(
      bbbApiRoomKey(meetingID),
      { query: params.toQuery(), ...xmlOf(xml) },
      { hints: placementHints(params), tenant: scope.placement },
    );
    if (created.xml.returncode === 'SUCCESS') {
      const duplicate = created.xml.messageKey !== '';
      if (!duplicate || !known) {
        let kept = params;
        for (const f of KEEP_ON_RECREATE) {
          const v = created.xml.fields[f];
          if (v && !kept.has(f)) kept = BbbParams.of([...kept.entries, [f, v]]);
        }
        await this.store.save(meetingID, stored(kept, xml, placement.nodeId), this.config.BBB_API_MEETING_TTL_S);
      }
    }
    return relay(created.reply);
  }

  /**
   * Joins a meeting that is placed, or one lost with its node (never creates one
   * from nothing: an unknown meeting is `invalidMeetingIdentifier`), counted as a
   * join by the scheduler. When its node can no longer serve it (offline, disabled,
   * or found dead just now: the join checks a node it has not heard from for 2 s
   * before redirecting to it, decision 083), the scheduler moves it and it is
   * re-created there from its stored create call; `createTime` is dropped from that
   * join (the re-created meeting has a new one). A meeting released from its node
   * (panic) is re-created the same way when that node is out of service; one that
   * ended on a node still serving stays ended. Each join keeps the stored create
   * call another BBB_API_MEETING_TTL_S. The common case (its node serves it) is one
   * scheduler round trip (`stickyOnly` placement) beside an expiry push now and then
   * (`keepAlive`: one indexed UPDATE per meeting per hour and process, waited for 200 ms
   * at most, its failure only logged); the rest takes a lookup, a read of the create call (one indexed row) and a
   * second placement. Without PostgreSQL a meeting that needs its create call (unknown
   * here, or lost with its node) answers internalError; one its node serves still joins.
   * A tenant's quota refusing the join answers BBB's join error redirect (decision 112).
   */
  async join(
    params: BbbParams,
    checksum: 'ok' | 'missing' | 'mismatch',
    origin: string,
    scope: TenantScope | undefined,
  ): Promise<BbbAnswer> {
    const logoutUrl = params.get('logoutURL') || this.config.PUBLIC_URL || `${origin}/`;
    try {
      return await this.joinChecked(params, checksum, logoutUrl, scope);
    } catch (e) {
      // A tenant's quota refuses a join as BBB refuses one: the redirect with the error (decision 112).
      const quota = quotaFailureOf(e);
      if (quota) return joinError(logoutUrl, quota);
      throw e;
    }
  }

  private async joinChecked(
    params: BbbParams,
    checksum: 'ok' | 'missing' | 'mismatch',
    logoutUrl: string,
    scope: TenantScope | undefined,
  ): Promise<BbbAnswer> {
    if (checksum !== 'ok' || !scope) {
      return joinError(logoutUrl, checksum === 'missing' ? 'checksumMissing' : 'checksumError');
    }
    const sent = params.text('meetingID');
    if (!sent) return joinError(logoutUrl, 'missingParamMeetingID');
    const meetingID = scope.nodeMeetingId(sent);
    // BBB strips control characters from fullName before checking it.
    if (!(params.get('fullName') ?? '').replace(/\p{Cc}/gu, '').trim()) {
      return joinError(logoutUrl, 'missingParamFullName');
    }
    const joinParams = applyPolicy(params, 'join', this.policy, scope.tenant.policy).with('meetingID', meetingID);
    const roomKey = bbbApiRoomKey(meetingID);
    // Signed with the lookup, used only when the node must be checked before the redirect.
    const probe = { call: 'isMeetingRunning', query: encodeQuery({ meetingID }) };
    const ttlS = this.config.BBB_API_MEETING_TTL_S;
    const [here] = await Promise.all([
      this.meetings.joinWhereItIs(roomKey, [{ call: 'join', query: joinParams.toQuery() }, probe], scope.placement),
      this.keepAliveNow(meetingID, ttlS),
    ]);
    // The common case, one round trip: the meeting is on a node that serves it.
    const hereFailed = here ? await this.meetings.serves(here.nodeId, here.signed[1]!) : undefined;
    if (here && !hereFailed) return this.joinAnswer(params, here.signed[0]!);
    const [loc, read] = await Promise.all([
      this.meetings.locate(roomKey, [probe]),
      this.store.refresh(meetingID, ttlS).then(
        (create) => ({ create, error: undefined }),
        (error: unknown) => ({ create: undefined, error }),
      ),
    ]);
    const { create } = read;
    // Nothing to re-create it from: unknown, unless the create call could not be read.
    const invalid = () => {
      if (read.error) throw read.error;
      return joinError(logoutUrl, 'invalidMeetingIdentifier');
    };
    if (!loc) {
      if (!create || !(await this.meetings.lostWithNode(create.nodeId))) return invalid();
    } else if (!usable(loc) && !create) return invalid();
    const dead =
      hereFailed ?? (loc && usable(loc) ? await this.meetings.serves(loc.nodeId, loc.signed[0]!) : undefined);
    // Lost with its node, and nothing to re-create it from.
    if (dead && !create) return invalid();
    const sign: CallToSign[] = [{ call: 'join', query: joinParams.toQuery() }];
    if (create) {
      sign.push(
        { call: 'create', query: create.query },
        { call: 'join', query: joinParams.without('createTime').toQuery() },
      );
    }
    const placement = await this.meetings
      .join(roomKey, sign, create ? placementHints(BbbParams.parse(create.query)) : undefined, scope.placement)
      .catch((e: unknown) => {
        // Its node died and no other node can take it: the node's failure is the answer.
        throw dead && e instanceof DomainError && e.code === 'no-capacity' ? dead : e;
      });
    let joinUrl = placement.signed[0]!;
    if (placement.outcome !== 'existing') {
      if (!create) {
        // Released between locate and join: the join must not leave a room behind.
        await this.meetings.release(roomKey);
        return invalid();
      }
      await this.meetings.recreate(placement, placement.signed[1]!, createCallOf(create));
      await this.store.save(meetingID, { ...create, nodeId: placement.nodeId, at: Date.now() }, ttlS).catch(
        // Re-created and joinable: only a later failover of it depends on the new node id.
        (e: unknown) =>
          this.logger.warn('storing a re-created meeting failed', { meetingID, error: (e as Error).message }),
      );
      joinUrl = placement.signed[2]!;
    }
    return this.joinAnswer(params, joinUrl);
  }

  /**
   * Pushes the create call's expiry on, at most once an hour per meeting here. A failure is
   * only logged (tried again after the same period: the expiry is days away). The join waits
   * for the write at most KEEP_ALIVE_WAIT_MS: a stuck PostgreSQL holds no join up.
   */
  private async keepAliveNow(meetingID: string, ttlS: number): Promise<void> {
    if (!this.keepAlive.due(meetingID, ttlS)) return;
    const write = this.store.touch(meetingID, ttlS).then(
      () => undefined,
      (e: unknown) =>
        this.logger.warn('keeping create params alive failed', { meetingID, error: (e as Error).message }),
    );
    await Promise.race([write, sleep(KEEP_ALIVE_WAIT_MS, undefined, { ref: false })]);
  }

  /** A redirect to the signed join, or (`redirect=false`) the node's own answer to it. */
  private async joinAnswer(params: BbbParams, joinUrl: string): Promise<BbbAnswer> {
    const redirectParam = params.get('redirect') ?? '';
    // Boolean.parseBoolean, as BBB: only a present value other than "true" turns the redirect off.
    if (redirectParam === '' || redirectParam.toLowerCase() === 'true') return redirect(joinUrl);
    return relay((await this.nodes.read(joinUrl, { call: 'join' })).reply);
  }

  async isMeetingRunning(params: BbbParams, scope: TenantScope): Promise<BbbAnswer> {
    const on = onTenantNode(params, scope);
    if (!on) return failed('missingParamMeetingID');
    const reply = await this.onNode(on.meetingID, 'isMeetingRunning', on.params);
    // Unknown here, or its node cannot say: not running, as BBB answers for an unknown meeting.
    return reply ? relay(reply.reply) : xmlAnswer(isMeetingRunningXml(false));
  }

  async getMeetingInfo(params: BbbParams, scope: TenantScope): Promise<BbbAnswer> {
    const on = onTenantNode(params, scope);
    if (!on) return failed('missingParamMeetingID');
    const reply = await this.onNode(on.meetingID, 'getMeetingInfo', on.params);
    return reply ? relay(reply.reply) : failed('notFound');
  }

  async insertDocument(params: BbbParams, xml: XmlBody | undefined, scope: TenantScope): Promise<BbbAnswer> {
    const on = onTenantNode(params, scope);
    if (!on) return failed('missingParamMeetingID');
    const loc = await this.meetings.locate(bbbApiRoomKey(on.meetingID), [
      { call: 'insertDocument', query: on.params.toQuery() },
    ]);
    if (!loc) return failed('notFound');
    return relay(await this.nodes.call(loc.signed[0]!, { call: 'insertDocument', ...xmlOf(xml) }));
  }

  async end(incoming: BbbParams, scope: TenantScope): Promise<BbbAnswer> {
    const on = onTenantNode(incoming, scope);
    if (!on) return failed('missingParamMeetingID');
    const { meetingID, params } = on;
    const ended = await this.meetings.end(bbbApiRoomKey(meetingID), params.toQuery());
    if (ended.kind === 'not-placed') return failed('notFound');
    // A wrong password, or an unreadable answer from a live node, ends nothing.
    if (ended.kind === 'refused') return ended.reply ? relay(ended.reply.reply) : failed('internalError');
    this.keepAlive.forget(meetingID);
    // Ended either way: a create call left behind expires and is purged.
    await this.store
      .delete(meetingID)
      .catch((e: unknown) =>
        this.logger.warn('deleting create params failed', { meetingID, error: (e as Error).message }),
      );
    // An unreachable node ends its meetings with it: the meeting is over either way.
    return ended.reply ? relay(ended.reply.reply) : xmlAnswer(endMeetingXml());
  }

  /** The call on the meeting's node, read by the schema; undefined when unknown or its node cannot say. */
  private async onNode(meetingID: string, call: string, params: BbbParams): Promise<ReadReply | undefined> {
    const loc = await this.meetings.locate(bbbApiRoomKey(meetingID), [{ call, query: params.toQuery() }]);
    if (!loc) return undefined;
    try {
      return await this.nodes.read(loc.signed[0]!, { call });
    } catch (e) {
      if (!(e instanceof NodeCallError)) throw e;
      this.logger.warn('bbb node gave no usable answer', { call, nodeId: loc.nodeId, reason: e.reason });
      return undefined;
    }
  }
}

/** The node's meetingID for the one the tenant sent, and the parameters carrying it; undefined without one. */
function onTenantNode(params: BbbParams, scope: TenantScope): { meetingID: string; params: BbbParams } | undefined {
  const sent = params.text('meetingID');
  if (!sent) return undefined;
  const meetingID = scope.nodeMeetingId(sent);
  return { meetingID, params: params.with('meetingID', meetingID) };
}

const xmlOf = (xml: XmlBody | undefined) => (xml ? { body: xml.body, contentType: xml.contentType } : {});

const createCallOf = (create: StoredCreate): CreateCall => ({
  query: create.query,
  ...(create.body !== undefined ? { body: create.body, contentType: create.contentType ?? 'application/xml' } : {}),
});

const stored = (params: BbbParams, xml: XmlBody | undefined, nodeId: string): StoredCreate => ({
  query: params.toQuery(),
  ...xmlOf(xml),
  nodeId,
  at: Date.now(),
});
