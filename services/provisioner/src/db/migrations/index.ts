import type { Migrations } from '@ensemble/shared';
import * as provisioning from './001-provisioning.js';

/**
 * The provisioner's migrations in the order they apply (an explicit list: the bundle needs no
 * directory scan). Append a new file here; never edit or remove one that has shipped.
 */
export const provisionerMigrations: Migrations = {
  '001-provisioning': provisioning,
};
