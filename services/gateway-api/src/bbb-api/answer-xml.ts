import { bbbErrorXml, xmlElement as el, xmlResponse as response } from '@ensemble/contracts';

/**
 * The gateway's own BBB answers. Element names, order and texts follow BBB's
 * FreeMarker templates and ApiController (the facts bbb-sim verified):
 * no XML declaration, one element per line, values XML-escaped.
 */

/** BBB's message keys and texts for the errors the gateway answers itself. */
export const BBB_ERRORS = {
  checksumMissing: ['checksumError', 'You must provide the checksum'],
  checksumError: ['checksumError', 'Checksums do not match'],
  missingParamMeetingID: ['missingParamMeetingID', 'You must provide a meeting ID'],
  missingParamFullName: ['missingParamFullName', 'You must provide your name'],
  missingParamRecordID: ['missingParamRecordID', 'You must specify a recordID.'],
  missingParamPublish: ['missingParamPublish', 'You must specify a publish value true or false.'],
  notFound: ['notFound', 'A meeting with that ID does not exist'],
  invalidMeetingIdentifier: ['invalidMeetingIdentifier', 'A meeting with that ID does not exist'],
  recordingsNotFound: ['notFound', 'We could not find recordings'],
  unsupportedRequest: ['unsupportedRequest', 'This request is not supported.'],
  meetingIdLength: ['validationError', 'Meeting ID must be between 2 and 256 characters'],
  meetingIdComma: ['validationError', "Meeting ID cannot contain ','"],
  missingName: ['validationError', 'You must provide a meeting name'],
  // Not BBB's: a cluster can run out of nodes, a single server cannot (README "BBB API").
  noAvailableServers: ['noAvailableServers', 'No BigBlueButton server is available to take this meeting.'],
  internalError: ['internalError', 'The server for this meeting could not be reached. Please try again.'],
  // Not BBB's either: a tenant's quotas (decision 112), refusing a new meeting or a join, never a running meeting.
  tenantMeetingQuotaReached: [
    'tenantMeetingQuotaReached',
    'Your institution has reached its limit of concurrent meetings. Please try again when one of its meetings has ended.',
  ],
  tenantParticipantQuotaReached: [
    'tenantParticipantQuotaReached',
    'Your institution has reached its limit of concurrent participants. Please try again later.',
  ],
} as const satisfies Record<string, readonly [string, string]>;
export type BbbErrorName = keyof typeof BBB_ERRORS;

export function errorXml(name: BbbErrorName): string {
  const [key, message] = BBB_ERRORS[name];
  return bbbErrorXml(key, message);
}

/** The API root. `bbbVersion` and the GraphQL URLs are per node, so the gateway leaves them out. */
export function versionXml(): string {
  return response([el('returncode', 'SUCCESS'), el('version', '2.0'), el('apiVersion', '2.0')]);
}

/**
 * A fleet-wide list answer: the nodes' elements verbatim inside `<list>`, or BBB's
 * empty form (its own empty element, messageKey and message, which differ per call).
 */
function listXml(
  list: string,
  items: readonly string[],
  empty: { element: string; key: string; message: string },
  after: string[] = [],
) {
  if (items.length === 0) {
    return response([
      el('returncode', 'SUCCESS'),
      empty.element,
      ...after,
      el('messageKey', empty.key),
      el('message', empty.message),
    ]);
  }
  return response([el('returncode', 'SUCCESS'), `<${list}>\n${items.join('\n')}\n</${list}>`, ...after]);
}

/** get-meetings.ftlx over the fleet: the nodes' `<meeting>` elements verbatim, or the empty form. */
export const meetingsXml = (meetings: readonly string[]): string =>
  listXml('meetings', meetings, {
    element: '<meetings/>',
    key: 'noMeetings',
    message: 'no meetings were found on this server',
  });

/**
 * get-recordings over the index and the fleet, or BBB's empty answer. A paged call
 * (`limit` given, BBB 2.6+) carries `<totalElements>` after the list.
 */
export const recordingsXml = (recordings: readonly string[], totalElements?: number): string =>
  listXml(
    'recordings',
    recordings,
    {
      element: '<recordings></recordings>',
      key: 'noRecordings',
      message: 'There are no recordings for the meeting(s).',
    },
    totalElements === undefined ? [] : [el('totalElements', totalElements)],
  );

/** BBB answers join validation errors with a redirect to the logout URL carrying `errors=[{key,message}]`. */
export function joinErrorLocation(logoutUrl: string, name: BbbErrorName): string {
  const [key, message] = BBB_ERRORS[name];
  const errors = encodeURIComponent(JSON.stringify([{ key, message }]));
  return `${logoutUrl}${logoutUrl.includes('?') ? '&' : '?'}errors=${errors}`;
}
