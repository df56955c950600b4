/**
 * BBB's answers as its FreeMarker templates render them: no XML declaration, one
 * element per line, values XML-escaped. Shared by the gateway's BBB API and bbb-sim.
 */

export const BBB_XML_CONTENT_TYPE = 'text/xml;charset=utf-8';

export const escapeXml = (v: string): string =>
  v.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The text of an element read with entity processing off: the five named entities and character references. */
export const unescapeXml = (v: string): string =>
  v.replace(/&(amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/g, (whole, e: string) => {
    if (!e.startsWith('#')) return NAMED[e]!;
    const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });

/** One element: `<name>escaped value</name>`. */
export const xmlElement = (name: string, value: string | number | boolean): string =>
  `<${name}>${escapeXml(String(value))}</${name}>`;

/** `<response>` around the given lines. */
export const xmlResponse = (lines: string[]): string => `<response>\n${lines.join('\n')}\n</response>\n`;

export const bbbErrorXml = (messageKey: string, message: string): string =>
  xmlResponse([
    xmlElement('returncode', 'FAILED'),
    xmlElement('messageKey', messageKey),
    xmlElement('message', message),
  ]);

export const isMeetingRunningXml = (running: boolean): string =>
  xmlResponse([xmlElement('returncode', 'SUCCESS'), xmlElement('running', running)]);

export const endMeetingXml = (): string =>
  xmlResponse([
    xmlElement('returncode', 'SUCCESS'),
    xmlElement('messageKey', 'sentEndMeetingRequest'),
    // Two spaces after "sent." as in ApiController#end.
    xmlElement(
      'message',
      'A request to end the meeting was sent.  Please wait a few seconds, and then use the getMeetingInfo or isMeetingRunning API calls to verify that it was ended.',
    ),
  ]);
