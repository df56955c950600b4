// AWS Signature Version 4 verification as S3 does it, from the raw request: s3rver rebuilds
// the canonical URI from its route parameters (`/bucket/` becomes `/bucket`), so it rejects
// some correctly signed requests; this check replaces its own (decision 100).
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 15 * 60 * 1000;
const MAX_PRESIGN_S = 7 * 24 * 3600;

export class SigV4Error extends Error {
  constructor(code, message, detail = {}) {
    super(message);
    this.code = code;
    this.detail = detail;
  }
}

const sha256 = (s) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key, s) => createHmac('sha256', key).update(s, 'utf8').digest();
// RFC 3986 unreserved characters stay; everything else is %XX (uppercase), as S3 encodes.
const uriEncode = (s) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const decode = (s) => {
  try {
    return decodeURIComponent(s.replace(/\+/g, '%20'));
  } catch {
    throw new SigV4Error('InvalidArgument', 'Malformed query string');
  }
};

/** `20261202T073159Z` to a time in ms; NaN when malformed. */
function amzTime(s) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s ?? '');
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
}

function canonicalQuery(rawQuery, without) {
  return rawQuery
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const i = pair.indexOf('=');
      const [k, v] = i < 0 ? [pair, ''] : [pair.slice(0, i), pair.slice(i + 1)];
      return [uriEncode(decode(k)), uriEncode(decode(v))];
    })
    .filter(([k]) => k !== without)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** The parts of a SigV4 request: from the Authorization header, or from a presigned URL's query. */
function parse(req, query) {
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    if (!auth.startsWith(`${ALGORITHM} `))
      throw new SigV4Error(
        'InvalidRequest',
        'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
      );
    const parts = Object.fromEntries(
      auth
        .slice(ALGORITHM.length + 1)
        .split(',')
        .map((p) => p.trim().split(/=(.*)/s).slice(0, 2)),
    );
    if (!parts.Credential || !parts.SignedHeaders || !parts.Signature)
      throw new SigV4Error(
        'AuthorizationHeaderMalformed',
        'The authorization header is malformed; it requires Credential, SignedHeaders and Signature.',
      );
    const date = req.headers['x-amz-date'];
    if (Number.isNaN(amzTime(date)))
      throw new SigV4Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
    if (Math.abs(Date.now() - amzTime(date)) > MAX_SKEW_MS)
      throw new SigV4Error(
        'RequestTimeTooSkewed',
        'The difference between the request time and the current time is too large.',
      );
    const payload = req.headers['x-amz-content-sha256'];
    if (!payload)
      throw new SigV4Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
    return {
      credential: parts.Credential,
      signedHeaders: parts.SignedHeaders,
      signature: parts.Signature,
      date,
      payload,
    };
  }
  const q = (k) => query.get(k) ?? undefined;
  if (q('X-Amz-Algorithm') !== ALGORITHM)
    throw new SigV4Error('AuthorizationQueryParametersError', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  const [credential, signedHeaders, signature, date, expires] = [
    'X-Amz-Credential',
    'X-Amz-SignedHeaders',
    'X-Amz-Signature',
    'X-Amz-Date',
    'X-Amz-Expires',
  ].map(q);
  if (!credential || !signedHeaders || !signature || Number.isNaN(amzTime(date)) || !/^\d+$/.test(expires ?? ''))
    throw new SigV4Error(
      'AuthorizationQueryParametersError',
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  if (Number(expires) > MAX_PRESIGN_S)
    throw new SigV4Error('AuthorizationQueryParametersError', 'X-Amz-Expires must be less than a week (in seconds)');
  if (Date.now() > amzTime(date) + Number(expires) * 1000) throw new SigV4Error('AccessDenied', 'Request has expired');
  return { credential, signedHeaders, signature, date, payload: q('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD' };
}

/**
 * Throws a SigV4Error (S3's code and message) unless `req` carries a valid SigV4 signature by
 * `accessKeyId`/`secretAccessKey`. The payload hash is taken as claimed (it is signed; the body
 * itself is not re-hashed here).
 */
export function verifySigV4(req, { accessKeyId, secretAccessKey }) {
  const url = req.url ?? '/';
  const at = url.indexOf('?');
  const rawPath = at < 0 ? url : url.slice(0, at);
  const rawQuery = at < 0 ? '' : url.slice(at + 1);
  const r = parse(req, new URLSearchParams(rawQuery));
  const [keyId, day, region, service, terminal, ...rest] = r.credential.split('/');
  if (keyId !== accessKeyId)
    throw new SigV4Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', {
      AWSAccessKeyId: keyId,
    });
  if (rest.length || terminal !== 'aws4_request' || service !== 's3' || !region || day !== r.date.slice(0, 8))
    throw new SigV4Error('AuthorizationHeaderMalformed', `The credential ${r.credential} is malformed.`);
  const names = r.signedHeaders.split(';');
  if (!names.includes('host')) throw new SigV4Error('AccessDenied', 'The host header must be signed.');
  const canonicalHeaders = names
    .map((n) => `${n}:${(req.headersDistinct[n] ?? []).map((v) => v.trim().replace(/\s+/g, ' ')).join(',')}\n`)
    .join('');
  const canonicalRequest = [
    req.method,
    rawPath,
    canonicalQuery(rawQuery, req.headers.authorization === undefined ? 'X-Amz-Signature' : undefined),
    canonicalHeaders,
    r.signedHeaders,
    r.payload,
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = [ALGORITHM, r.date, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), region), service), 'aws4_request');
  const expected = Buffer.from(createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex'));
  const given = Buffer.from(r.signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new SigV4Error(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      { AWSAccessKeyId: keyId, StringToSign: stringToSign, CanonicalRequest: canonicalRequest },
    );
}
