import type { Migrations } from '@ensemble/shared';
import * as nodes from './001-nodes.js';
import * as recordingTokens from './002-recording-tokens.js';
import * as retiredUploadTokens from './003-retired-upload-tokens.js';

/**
 * The scheduler's migrations in the order they apply (an explicit list: the bundle needs no
 * directory scan). Append a new file here; never edit or remove one that has shipped.
 */
export const schedulerMigrations: Migrations = {
  '001-nodes': nodes,
  '002-recording-tokens': recordingTokens,
  '003-retired-upload-tokens': retiredUploadTokens,
};
