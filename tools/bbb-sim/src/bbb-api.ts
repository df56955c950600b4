import { verifyCallChecksum, type ChecksumAlgorithm } from '@ensemble/shared';
import { bbbErrorXml, endMeetingXml, isMeetingRunningXml } from '@ensemble/contracts';
import * as xml from './sim-responses.xml.js';
import { type Meeting, type MeetingStore, type Role, randomToken } from './meeting-store.js';
import type { Recording, RecordingStore, RecordingState } from './recording-store.js';

/** One BBB API call in, one HTTP answer out. No sockets here. */

export interface ApiResult {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ApiRequest {
  /** The call name, '' for the API root. */
  call: string;
  /** Raw query string as received, without the leading '?'. */
  rawQuery: string;
  /** Raw application/x-www-form-urlencoded body of a POST, '' otherwise. */
  rawBody: string;
}

export interface ApiContext {
  store: MeetingStore;
  recordings: RecordingStore;
  secret: string;
  /** Digests the node accepts in checksums (BBB's `supportedChecksumAlgorithms`); all when absent. */
  checksumAlgorithms?: readonly ChecksumAlgorithm[];
  /** http://127.0.0.1:<port> (no trailing slash). */
  origin: string;
  bbbVersion: string;
  /** A meeting ended with a recording to process (the node's recording workflow takes it from here). */
  onRecordingEnded?: (r: Recording) => void;
  /** A meeting ended (the node makes its meeting-ended and analytics callbacks). */
  onMeetingEnded?: (m: Meeting) => void;
  /** publish/unpublish/delete moved recordings from one state to another (the node moves their files). */
  onRecordingsMoved?: (moved: readonly Recording[], from: RecordingState[], to: RecordingState | 'deleted') => void;
}

export const XML_CONTENT_TYPE = 'text/xml;charset=utf-8';
const ok = (body: string, status = 200): ApiResult => ({
  status,
  headers: { 'content-type': XML_CONTENT_TYPE, 'cache-control': 'no-cache' },
  body,
});
const fail = (key: string, message: string): ApiResult => ok(bbbErrorXml(key, message));

export const SUPPORTED_CALLS = [
  'create',
  'join',
  'isMeetingRunning',
  'getMeetingInfo',
  'getMeetings',
  'end',
  'getRecordings',
  'publishRecordings',
  'updateRecordings',
  'deleteRecordings',
] as const;

const MSG = {
  noChecksum: 'You must provide the checksum',
  badChecksum: 'Checksums do not match',
  missingMeetingID: 'You must provide a meeting ID',
  notFound: 'A meeting with that ID does not exist',
} as const;

/** Params of query then body, first value wins (as Grails' params.x). */
function parseParams(req: ApiRequest): { params: Record<string, string>; checksums: string[] } {
  const params: Record<string, string> = {};
  const checksums: string[] = [];
  for (const raw of [req.rawQuery, req.rawBody]) {
    for (const [k, v] of new URLSearchParams(raw)) {
      if (k === 'checksum') checksums.push(v);
      else if (!(k in params)) params[k] = v;
    }
  }
  return { params, checksums };
}

export function handleApi(req: ApiRequest, ctx: ApiContext): ApiResult {
  if (req.call === '') {
    return ok(
      xml.versionXml({
        apiVersion: '2.0',
        bbbVersion: ctx.bbbVersion,
        graphqlWebsocketUrl: `${ctx.origin.replace(/^http/, 'ws')}/graphql`,
        graphqlApiUrl: `${ctx.origin}/api/rest`,
      }),
    );
  }
  if (!(SUPPORTED_CALLS as readonly string[]).includes(req.call)) {
    return fail('unsupportedRequest', 'This request is not supported.');
  }
  const { params, checksums } = parseParams(req);
  const checksum = checksums[0] ?? '';
  let checksumError: string | undefined;
  if (checksum.trim() === '') checksumError = MSG.noChecksum;
  else if (
    checksums.length > 1 ||
    !verifyCallChecksum(req.call, req.rawQuery, req.rawBody, checksum, [ctx.secret], ctx.checksumAlgorithms)
  )
    checksumError = MSG.badChecksum;
  if (req.call === 'join') return join(params, ctx, checksumError);
  if (checksumError) return fail('checksumError', checksumError);
  const meetingID = (params['meetingID'] ?? '').trim();
  switch (req.call) {
    case 'create':
      return create({ ...params, meetingID }, ctx);
    case 'isMeetingRunning':
      if (!meetingID) return fail('missingParamMeetingID', MSG.missingMeetingID);
      return ok(isMeetingRunningXml(ctx.store.get(meetingID)?.running ?? false));
    case 'getMeetingInfo': {
      if (!meetingID) return fail('missingParamMeetingID', MSG.missingMeetingID);
      const m = ctx.store.get(meetingID);
      return m ? ok(xml.meetingInfoXml(m)) : fail('notFound', MSG.notFound);
    }
    case 'getMeetings':
      return ok(cachedMeetingsXml(ctx.store));
    case 'getRecordings':
      return ok(
        xml.recordingsXml(
          ctx.recordings.find(list(params['meetingID']), list(params['recordID']), list(params['state'])),
          ctx.origin,
        ),
      );
    case 'publishRecordings':
    case 'updateRecordings':
    case 'deleteRecordings':
      return changeRecordings(req.call, params, ctx);
    default: {
      // end
      if (!meetingID) return fail('missingParamMeetingID', MSG.missingMeetingID);
      const m = ctx.store.get(meetingID);
      if (!m) return fail('notFound', MSG.notFound);
      const pw = params['password'];
      if (pw !== undefined && pw !== '' && pw !== m.moderatorPW) {
        return fail('invalidPassword', 'The supplied moderator password is incorrect');
      }
      const recorded = ctx.recordings.recordEnded(m);
      ctx.store.end(meetingID);
      if (recorded) ctx.onRecordingEnded?.(recorded);
      ctx.onMeetingEnded?.(structuredClone(m));
      return ok(endMeetingXml());
    }
  }
}

const list = (v: string | undefined): string[] =>
  (v ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** publish/update/deleteRecordings, with BBB's keys: missingParamRecordID, missingParamPublish, notFound. */
function changeRecordings(call: string, params: Record<string, string>, ctx: ApiContext): ApiResult {
  const ids = list(params['recordID']);
  if (ids.length === 0) return fail('missingParamRecordID', 'You must specify a recordID.');
  if (call === 'publishRecordings' && !params['publish']) {
    return fail('missingParamPublish', 'You must specify a publish value true or false.');
  }
  const found = ctx.recordings.existing(ids);
  if (found.length === 0) return fail('notFound', 'We could not find recordings');
  if (call === 'publishRecordings') {
    const publish = params['publish'] === 'true';
    const from: RecordingState[] = publish ? ['unpublished'] : ['published'];
    const moving = found.filter((r) => from.includes(r.state));
    ctx.recordings.setPublished(ids, publish);
    if (moving.length) ctx.onRecordingsMoved?.(moving, from, publish ? 'published' : 'unpublished');
    return ok(xml.recordingChangeXml('published', publish));
  }
  if (call === 'updateRecordings') {
    for (const r of found) {
      for (const [k, v] of Object.entries(params)) {
        if (k.startsWith('meta_') && k.length > 5) r.metadata[k.slice(5).toLowerCase()] = v;
      }
    }
    return ok(xml.recordingChangeXml('updated', true));
  }
  const deleted = ctx.recordings.delete(ids);
  ctx.onRecordingsMoved?.(deleted, ['published', 'unpublished'], 'deleted');
  return ok(xml.recordingChangeXml('deleted', true));
}

function create(params: Record<string, string>, ctx: ApiContext): ApiResult {
  const { meetingID } = params as { meetingID: string };
  if (!meetingID) return fail('missingParamMeetingID', MSG.missingMeetingID);
  if (meetingID.length < 2 || meetingID.length > 256) {
    return fail('validationError', 'Meeting ID must be between 2 and 256 characters');
  }
  if (meetingID.includes(',')) return fail('validationError', "Meeting ID cannot contain ','");
  const name = params['name'] ?? '';
  if (name.trim() === '') return fail('validationError', 'You must provide a meeting name');
  const existing = ctx.store.get(meetingID);
  if (existing) {
    const a = params['attendeePW'];
    const mp = params['moderatorPW'];
    if ((existing.attendeePW === a && existing.moderatorPW === mp) || (!a && !mp)) {
      return ok(
        xml.createXml(
          existing,
          'duplicateWarning',
          'This conference was already in existence and may currently be in progress.',
        ),
      );
    }
    return fail('idNotUnique', 'A meeting already exists with that meeting ID.  Please use a different meeting ID.');
  }
  return ok(xml.createXml(ctx.store.create(params)));
}

/**
 * getMeetings renders every meeting and attendee: cache it per store state, so a
 * benchmark's 1,000 simulated nodes cost the poller's machine what real nodes would (nothing).
 */
const meetingsCache = new WeakMap<MeetingStore, { version: number; xml: string }>();
function cachedMeetingsXml(store: MeetingStore): string {
  const hit = meetingsCache.get(store);
  if (hit && hit.version === store.version) return hit.xml;
  const rendered = xml.meetingsXml(store.list());
  meetingsCache.set(store, { version: store.version, xml: rendered });
  return rendered;
}

/** Validation errors on join redirect to the logout URL with `errors=[{key,message}]`, as BBB does. */
function joinErrorRedirect(params: Record<string, string>, ctx: ApiContext, key: string, message: string): ApiResult {
  const base = params['logoutURL'] || `${ctx.origin}/`;
  const errors = encodeURIComponent(JSON.stringify([{ key, message }]));
  const location = `${base}${base.includes('?') ? '&' : '?'}errors=${errors}`;
  return { status: 302, headers: { location, 'cache-control': 'no-cache', 'content-length': '0' }, body: '' };
}

function join(params: Record<string, string>, ctx: ApiContext, checksumError: string | undefined): ApiResult {
  const invalid = (key: string, message: string) => joinErrorRedirect(params, ctx, key, message);
  if (checksumError) return invalid('checksumError', checksumError);
  const meetingID = (params['meetingID'] ?? '').trim();
  if (!meetingID) return invalid('missingParamMeetingID', MSG.missingMeetingID);
  const fullName = (params['fullName'] ?? '').replace(/\p{Cc}/gu, '').trim();
  if (!fullName) return invalid('missingParamFullName', 'You must provide your name');
  const m = ctx.store.get(meetingID);
  if (!m) return invalid('invalidMeetingIdentifier', MSG.notFound);
  if (params['createTime'] !== undefined && params['createTime'] !== String(m.createTime)) {
    return invalid(
      'mismatchCreateTimeParam',
      'The createTime parameter submitted mismatches with the current meeting.',
    );
  }

  let role: Role | undefined;
  const roleParam = (params['role'] ?? '').toLowerCase();
  const password = params['password'] ?? '';
  if (roleParam === 'moderator') role = 'MODERATOR';
  else if (roleParam === 'viewer') role = 'VIEWER';
  else if (password !== '') {
    if (password === m.moderatorPW) role = 'MODERATOR';
    else if (password === m.attendeePW) role = 'VIEWER';
    else return fail('Params required', 'You must enter a valid password');
  } else {
    return fail(
      'Params required',
      'You must either send the valid role of the user, or the password, sould the meeting has one.',
    );
  }

  const internalUserID = `w_${randomToken(12)}`;
  const externUserID = params['userID'] || internalUserID;
  if (m.maxUsers > 0 && ctx.store.joinedCount(m) >= m.maxUsers && !m.attendees.some((a) => a.userID === externUserID)) {
    return invalid('maxParticipantsReached', 'The number of participants allowed for this meeting has been reached.');
  }
  const customdata: Record<string, string> = {};
  for (const [k, v] of Object.entries(params))
    if (k.startsWith('userdata-') && k.length > 9) customdata[k.slice(9)] = v;

  const session = ctx.store.addSession({
    sessionToken: randomToken(16),
    authToken: randomToken(12),
    internalMeetingID: m.internalMeetingID,
    internalUserID,
    externUserID,
    fullName,
    role,
    customdata,
  });
  const url = `${ctx.origin}/html5client/join?sessionToken=${session.sessionToken}`;
  // Boolean.parseBoolean: only a present, non-empty value other than "true" turns the redirect off.
  const redirectParam = params['redirect'] ?? '';
  if (redirectParam === '' || redirectParam.toLowerCase() === 'true') {
    return { status: 302, headers: { location: url, 'cache-control': 'no-cache', 'content-length': '0' }, body: '' };
  }
  return ok(
    xml.joinXml({
      meetingId: m.internalMeetingID,
      userId: internalUserID,
      authToken: session.authToken,
      sessionToken: session.sessionToken,
      guestStatus: 'ALLOW',
      url,
    }),
  );
}
