import type {
  AuditActorKind,
  Engine,
  RecordingVisibility,
  OperatorTokenScope,
  RegistrationMode,
  RoleName,
  RoomSettings,
} from '@ensemble/contracts';
import type { ColumnType, Insertable, Selectable } from 'kysely';

/**
 * The gateway's tables, as its migrations leave them (db/migrations/): the one type every
 * repository's queries are checked against. No other service reads them (decision 090).
 */
export interface GatewayTables {
  users: UsersTable;
  rooms: RoomsTable;
  room_members: RoomMembersTable;
  bbb_create_params: CreateParamsTable;
  audit_events: AuditEventsTable;
  recordings: RecordingsTable;
  recording_formats: RecordingFormatsTable;
  recording_counts: RecordingCountsTable;
  tenants: TenantsTable;
  tenant_secrets: TenantSecretsTable;
  operator_tokens: OperatorTokensTable;
  tenant_identity: TenantIdentityTable;
  roles: RolesTable;
  site_settings: SiteSettingsTable;
}

/** A tenant (decision 110): its rules, quotas and policy; `default` always exists. */
export interface TenantsTable {
  name: string;
  display_name: ColumnType<string, string | undefined, string>;
  /** jsonb: the parameter policy (decision 111), written as JSON text, read back parsed. */
  policy: ColumnType<Record<string, unknown>, string | undefined, string>;
  required_tags: ColumnType<string[], string[] | undefined, string[]>;
  load_weight: ColumnType<number, number | undefined, number>;
  max_meetings: number | null;
  max_participants: number | null;
  /** Playback links of its recordings signed and short-lived (decision 116); null: RECORDINGS_PROTECTED. */
  recordings_protected: boolean | null;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

/** One of a tenant's BBB API secrets; kept because checksums need it, never shown after creation. */
export interface TenantSecretsTable {
  id: string;
  tenant: string;
  secret: string;
  created_at: ColumnType<Date, never, never>;
}

export interface UsersTable {
  id: string;
  /** Lower case (the API's schema makes it so); unique within its tenant. */
  email: string;
  tenant: ColumnType<string, string | undefined, never>;
  name: string;
  /** scrypt; `!oidc` for an account that signs in through its tenant's provider only. */
  password_hash: string;
  created_at: ColumnType<Date, Date, never>;
  /** The provider's issuer and subject of an account made by an OpenID Connect sign-in (decision 120). */
  oidc_issuer: ColumnType<string | null, string | null | undefined, string | null>;
  oidc_sub: ColumnType<string | null, string | null | undefined, string | null>;
  idp_role: ColumnType<string | null, string | null | undefined, string | null>;
  /** The account's role in its tenant (decision 124); `idp_role` sets it at each provider sign-in. */
  role: ColumnType<RoleName, RoleName | undefined, RoleName>;
  /** False while an account made under 'approval' registration waits for an administrator. */
  approved: ColumnType<boolean, boolean | undefined, boolean>;
}

/** What one of a tenant's roles may do (decision 124); a trigger seeds the three for every tenant. */
export interface RolesTable {
  tenant: string;
  name: RoleName;
  create_rooms: boolean;
  /** Null: no limit. */
  room_limit: number | null;
  manage_users: boolean;
  manage_rooms: boolean;
  manage_recordings: boolean;
  manage_site_settings: boolean;
  share_rooms: boolean;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}
export type RoleRow = Selectable<RolesTable>;

/** A tenant's site settings (decision 124); one row per tenant, seeded with the tenant. */
export interface SiteSettingsTable {
  tenant: string;
  registration: RegistrationMode;
  allowed_email_domains: string[];
  default_recording_visibility: RecordingVisibility;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** A tenant's OpenID Provider (decision 120); the client secret is never shown back. */
export interface TenantIdentityTable {
  tenant: string;
  issuer: string;
  client_id: string;
  client_secret: string;
  display_name: string;
  allowed_email_domains: string[];
  role_claim: string | null;
  /** jsonb: claim value -> role name, written as JSON text, read back parsed. */
  role_mapping: ColumnType<Record<string, string>, string, string>;
  local_accounts_enabled: boolean;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}
export type TenantIdentityRow = Selectable<TenantIdentityTable>;

/** A room and both its links: a join reads this one row, found by a link's hash (unique index). */
export interface RoomsTable {
  id: string;
  /** Deleting the user deletes their rooms, and with them their links. */
  owner_id: string;
  name: string;
  engine: Engine;
  /** jsonb: written as JSON text, read back parsed. */
  settings: ColumnType<RoomSettings, string, string>;
  moderator_token: string;
  participant_token: string;
  moderator_hash: string;
  participant_hash: string;
  created_at: ColumnType<Date, Date, never>;
  /** Access codes' scrypt hashes (decision 123); null: no such code. */
  viewer_code_hash: ColumnType<string | null, string | null | undefined, string | null>;
  moderator_code_hash: ColumnType<string | null, string | null | undefined, string | null>;
  require_sign_in: ColumnType<boolean, boolean | undefined, boolean>;
  /** Who may watch its recordings (decision 125). */
  recording_visibility: ColumnType<RecordingVisibility, RecordingVisibility | undefined, RecordingVisibility>;
}

/** A user a room is shared with (decision 123): a co-owner. Goes with the room or the user. */
export interface RoomMembersTable {
  room_id: string;
  user_id: string;
  role: ColumnType<'co-owner', 'co-owner' | undefined, never>;
  added_at: ColumnType<Date, Date | undefined, never>;
}

/** A BBB API meeting's create call, kept to re-create it on another node; gone once expired. */
export interface CreateParamsTable {
  meeting_id: string;
  /** The node it was last created on. */
  node_id: string;
  query: string;
  body: string | null;
  content_type: string | null;
  /** When it was last created on a node (a re-creation moves it). */
  created_at: Date;
  /** Pushed on by creates and joins (BBB_API_MEETING_TTL_S); past it, the row is purged. */
  expires_at: Date;
}

export type AuditOutcome = 'pending' | 'ok' | 'refused' | 'failed';

/** One operator action: written before it runs, its outcome after (decision 092). */
export interface AuditEventsTable {
  /** bigserial: read back as a string (int8), never written. */
  id: ColumnType<string, never, never>;
  at: ColumnType<Date, never, never>;
  actor: string;
  actor_kind: AuditActorKind;
  action: string;
  target: string | null;
  client_address: string | null;
  outcome: ColumnType<AuditOutcome, AuditOutcome, AuditOutcome>;
  error_code: string | null;
  /** jsonb: written as JSON text, read back parsed. Never a secret. */
  details: ColumnType<Record<string, unknown>, string, string>;
}

/** A personal operator token (decision 122): its SHA-256 digest, never the token. */
export interface OperatorTokensTable {
  id: string;
  name: string;
  scope: OperatorTokenScope;
  token_hash: Buffer;
  created_at: ColumnType<Date, never, never>;
  created_by: string;
  last_used_at: ColumnType<Date | null, never, Date>;
  revoked_at: ColumnType<Date | null, never, Date>;
}

export type OperatorTokenRow = Selectable<OperatorTokensTable>;
export type CreateParamsRow = Selectable<CreateParamsTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
export type UserRow = Selectable<UsersTable>;
export type RoomRow = Selectable<RoomsTable>;
export type TenantRow = Selectable<TenantsTable>;
export type NewRoomRow = Insertable<RoomsTable>;

export type RecordingState = 'published' | 'unpublished' | 'deleted';

/** A recording transferred from its node (decision 102): visible once it has a format row. */
export interface RecordingsTable {
  record_id: string;
  meeting_id: string;
  internal_meeting_id: string;
  name: string;
  state: RecordingState;
  starts_at: Date;
  ends_at: Date;
  participants: number;
  /** jsonb of the meta_* parameters (keys without the prefix): written as JSON text, read back parsed. */
  metadata: ColumnType<Record<string, string>, string, string>;
  node_id: string;
  /** The tenant whose meeting made it (decision 110); its meeting_id is the node's, namespaced. */
  tenant: ColumnType<string, string | undefined, never>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date>;
}

/** One format of a recording, its files under `prefix` in object storage. */
export interface RecordingFormatsTable {
  record_id: string;
  format: string;
  digest: string;
  prefix: string;
  /** bigint: read back as a string (int8). */
  size_bytes: ColumnType<string, number, number>;
  file_count: number;
  playback_path: string;
  processing_time_ms: ColumnType<string, number, number>;
  length_ms: ColumnType<string, number, number>;
  updated_at: ColumnType<Date, never, Date>;
}

/** How many recordings are in each state, kept by triggers on `recordings` (migration 004). */
export interface RecordingCountsTable {
  tenant: string;
  state: RecordingState;
  /** bigint: read back as a string (int8). */
  n: ColumnType<string, never, never>;
}
