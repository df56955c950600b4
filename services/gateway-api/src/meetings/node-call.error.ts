import { DomainError } from '@ensemble/contracts';

/** Why a call to a BBB node gave nothing the gateway can use. */
export type NodeFailure =
  /** No answer within BBB_NODE_TIMEOUT_MS (or the fan-out deadline). */
  | 'timeout'
  /** Connection refused, reset, DNS... */
  | 'unreachable'
  /** The answer grew past the cap while it was read. */
  | 'too-large'
  /** Not a well-formed `<response>` with a returncode (HTML, garbage, truncated). */
  | 'unreadable'
  /** A well-formed FAILED where the caller needed SUCCESS. */
  | 'refused';

/**
 * The one error a node call throws: `unavailable` (503 on the web, BBB
 * `internalError` on the BBB API, see `bbbErrorOf`), with the reason kept
 * for logs and metrics. The message never carries the signed URL.
 */
export class NodeCallError extends DomainError {
  constructor(
    readonly call: string,
    readonly reason: NodeFailure,
    detail = '',
  ) {
    super(
      'unavailable',
      `the meeting server gave no usable answer to ${call} (${reason}${detail ? `: ${detail}` : ''})`,
    );
    this.name = 'NodeCallError';
  }
}
