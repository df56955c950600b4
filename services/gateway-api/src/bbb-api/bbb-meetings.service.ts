import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, LOGGER, type Location, type Logger } from '@ensemble/shared';
import type { GatewayConfig } from '../config.js';
import { failed, joinError, redirect, relay, xmlAnswer, type BbbAnswer } from './bbb-answer.js';
import { BbbNodeClient, type NodeReply } from './bbb-node.client.js';
import { BbbParams } from './bbb-params.js';
import { endXml, isMeetingRunningXml } from './bbb-xml.js';
import { CreateParamsStore, type StoredCreate } from './create-params.store.js';
import { readNodeXml } from './node-answer.js';
import { placementHints, roomKeyFor } from './placement-hints.js';
import { SchedulerClient } from './scheduler.client.js';

export interface XmlBody {
  body: string;
  contentType: string;
}

/** Fields of a fresh create answer kept so a re-created meeting keeps its passwords and dial-in. */
const KEEP_ON_RECREATE = ['attendeePW', 'moderatorPW', 'voiceBridge'] as const;

const healthy = (loc: Location) => loc.health === 'online' && loc.state !== 'disabled';

/** Calls on one meeting: placed and found through the scheduler, answered by its node. */
@Injectable()
export class BbbMeetingsService {
  constructor(
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly scheduler: SchedulerClient,
    private readonly nodes: BbbNodeClient,
    private readonly store: CreateParamsStore,
  ) {}

  async create(incoming: BbbParams, xml: XmlBody | undefined): Promise<BbbAnswer> {
    const meetingID = incoming.text('meetingID');
    if (!meetingID) return failed('missingParamMeetingID');
    if (meetingID.length < 2 || meetingID.length > 256) return failed('meetingIdLength');
    if (meetingID.includes(',')) return failed('meetingIdComma');
    if (!incoming.text('name')) return failed('missingName');
    const params = incoming
      .withDefaults(this.config.BBB_CREATE_DEFAULTS)
      .withOverrides(this.config.BBB_CREATE_OVERRIDES);
    const roomKey = roomKeyFor(meetingID);
    const placement = await this.scheduler.place(roomKey, placementHints(params), [
      { call: 'create', query: params.toQuery() },
    ]);
    const fresh = placement.outcome !== 'existing';
    let reply: NodeReply;
    try {
      reply = await this.nodes.call(placement.signed[0]!, { call: 'create', ...xmlOpts(xml) });
    } catch (e) {
      return this.createFailed(roomKey, fresh, placement.nodeId, e);
    }
    const answer = readNodeXml(reply.body);
    if (!answer) return this.createFailed(roomKey, fresh, placement.nodeId, new Error('unreadable answer'));
    if (answer.returncode === 'SUCCESS') {
      const duplicate = answer.messageKey !== '';
      if (!duplicate || !(await this.store.get(meetingID))) {
        let kept = params;
        for (const f of KEEP_ON_RECREATE) {
          const v = answer.fields[f];
          if (v && !kept.has(f)) kept = BbbParams.of([...kept.entries, [f, v]]);
        }
        await this.store.save(meetingID, stored(kept, xml, placement.nodeId), this.config.BBB_API_MEETING_TTL_S);
      }
    } else if (fresh) {
      // The node refused a meeting placed for it just now: the room must not stay pinned there.
      await this.scheduler.release(roomKey);
    }
    return relay(reply);
  }

  async join(params: BbbParams, checksum: 'ok' | 'missing' | 'mismatch', origin: string): Promise<BbbAnswer> {
    const logoutUrl = params.get('logoutURL') || this.config.PUBLIC_URL || `${origin}/`;
    if (checksum !== 'ok') return joinError(logoutUrl, checksum === 'missing' ? 'checksumMissing' : 'checksumError');
    const meetingID = params.text('meetingID');
    if (!meetingID) return joinError(logoutUrl, 'missingParamMeetingID');
    // BBB strips control characters from fullName before checking it.
    if (!(params.get('fullName') ?? '').replace(/\p{Cc}/gu, '').trim()) {
      return joinError(logoutUrl, 'missingParamFullName');
    }
    const joinParams = params.withDefaults(this.config.BBB_JOIN_DEFAULTS).withOverrides(this.config.BBB_JOIN_OVERRIDES);
    const roomKey = roomKeyFor(meetingID);
    const loc = await this.scheduler.locate(roomKey, [{ call: 'join', query: joinParams.toQuery() }]);
    if (!loc) return joinError(logoutUrl, 'invalidMeetingIdentifier');
    let joinUrl = loc.signed[0]!;
    if (!healthy(loc)) {
      const moved = await this.recreate(meetingID, roomKey, joinParams, loc);
      if (moved === 'unknown') return joinError(logoutUrl, 'invalidMeetingIdentifier');
      if (moved === 'failed') return failed('internalError');
      joinUrl = moved.joinUrl;
    }
    const redirectParam = params.get('redirect') ?? '';
    // Boolean.parseBoolean, as BBB: only a present value other than "true" turns the redirect off.
    if (redirectParam === '' || redirectParam.toLowerCase() === 'true') return redirect(joinUrl);
    try {
      return relay(await this.nodes.call(joinUrl, { call: 'join' }));
    } catch (e) {
      this.logger.warn('bbb node unreachable', { call: 'join', roomKey, error: (e as Error).message });
      return failed('internalError');
    }
  }

  /**
   * The meeting's node went offline or was disabled: place it again (the
   * scheduler moves it), create it there from the stored parameters, and
   * answer the join URL on the new node. `createTime` is dropped from the
   * join: the re-created meeting has a new one.
   */
  private async recreate(
    meetingID: string,
    roomKey: string,
    joinParams: BbbParams,
    from: Location,
  ): Promise<{ joinUrl: string } | 'unknown' | 'failed'> {
    const create = await this.store.get(meetingID);
    if (!create) return 'unknown';
    const placement = await this.scheduler.place(roomKey, placementHints(BbbParams.parse(create.query)), [
      { call: 'create', query: create.query },
      { call: 'join', query: joinParams.without('createTime').toQuery() },
    ]);
    if (placement.outcome !== 'existing') {
      try {
        const reply = await this.nodes.call(placement.signed[0]!, {
          call: 'create',
          ...(create.body !== undefined
            ? { body: create.body, contentType: create.contentType ?? 'application/xml' }
            : {}),
        });
        if (readNodeXml(reply.body)?.returncode !== 'SUCCESS') throw new Error(`create answered ${reply.status}`);
      } catch (e) {
        this.logger.warn('meeting re-create failed', {
          roomKey,
          nodeId: placement.nodeId,
          error: (e as Error).message,
        });
        await this.scheduler.release(roomKey);
        return 'failed';
      }
      await this.store.save(
        meetingID,
        { ...create, nodeId: placement.nodeId, at: Date.now() },
        this.config.BBB_API_MEETING_TTL_S,
      );
      this.logger.info('meeting re-created', { roomKey, nodeId: placement.nodeId, previousNodeId: from.nodeId });
    }
    return { joinUrl: placement.signed[1]! };
  }

  async isMeetingRunning(params: BbbParams): Promise<BbbAnswer> {
    const meetingID = params.text('meetingID');
    if (!meetingID) return failed('missingParamMeetingID');
    const reply = await this.onNode(meetingID, 'isMeetingRunning', params);
    // Unknown here, or its node cannot say: not running, as BBB answers for an unknown meeting.
    return reply && readNodeXml(reply.body) ? relay(reply) : xmlAnswer(isMeetingRunningXml(false));
  }

  async getMeetingInfo(params: BbbParams): Promise<BbbAnswer> {
    const meetingID = params.text('meetingID');
    if (!meetingID) return failed('missingParamMeetingID');
    const reply = await this.onNode(meetingID, 'getMeetingInfo', params);
    return reply && readNodeXml(reply.body) ? relay(reply) : failed('notFound');
  }

  async insertDocument(params: BbbParams, xml: XmlBody | undefined): Promise<BbbAnswer> {
    const meetingID = params.text('meetingID');
    if (!meetingID) return failed('missingParamMeetingID');
    const loc = await this.scheduler.locate(roomKeyFor(meetingID), [
      { call: 'insertDocument', query: params.toQuery() },
    ]);
    if (!loc) return failed('notFound');
    try {
      return relay(await this.nodes.call(loc.signed[0]!, { call: 'insertDocument', ...xmlOpts(xml) }));
    } catch {
      return failed('internalError');
    }
  }

  async end(params: BbbParams): Promise<BbbAnswer> {
    const meetingID = params.text('meetingID');
    if (!meetingID) return failed('missingParamMeetingID');
    const roomKey = roomKeyFor(meetingID);
    const loc = await this.scheduler.locate(roomKey, [{ call: 'end', query: params.toQuery() }]);
    if (!loc) return failed('notFound');
    let reply: NodeReply | undefined;
    try {
      reply = await this.nodes.call(loc.signed[0]!, { call: 'end' });
    } catch (e) {
      this.logger.warn('bbb node unreachable', { call: 'end', roomKey, error: (e as Error).message });
    }
    const answer = reply ? readNodeXml(reply.body) : undefined;
    // A wrong password (or an unreadable answer from a live node) ends nothing.
    if (reply && (!answer || (answer.returncode === 'FAILED' && answer.messageKey !== 'notFound'))) {
      return answer ? relay(reply) : failed('internalError');
    }
    await this.scheduler.release(roomKey);
    await this.store.delete(meetingID);
    // An unreachable node ends its meetings with it: the meeting is over either way.
    return reply ? relay(reply) : xmlAnswer(endXml());
  }

  private async onNode(meetingID: string, call: string, params: BbbParams): Promise<NodeReply | undefined> {
    const loc = await this.scheduler.locate(roomKeyFor(meetingID), [{ call, query: params.toQuery() }]);
    if (!loc) return undefined;
    try {
      return await this.nodes.call(loc.signed[0]!, { call });
    } catch (e) {
      this.logger.warn('bbb node unreachable', { call, nodeId: loc.nodeId, error: (e as Error).message });
      return undefined;
    }
  }

  private async createFailed(roomKey: string, fresh: boolean, nodeId: string, e: unknown): Promise<BbbAnswer> {
    this.logger.warn('bbb create failed', { roomKey, nodeId, error: (e as Error).message });
    if (fresh) await this.scheduler.release(roomKey);
    return failed('internalError');
  }
}

const xmlOpts = (xml: XmlBody | undefined) => (xml ? { body: xml.body, contentType: xml.contentType } : {});

const stored = (params: BbbParams, xml: XmlBody | undefined, nodeId: string): StoredCreate => ({
  query: params.toQuery(),
  ...(xml ? { body: xml.body, contentType: xml.contentType } : {}),
  nodeId,
  at: Date.now(),
});
