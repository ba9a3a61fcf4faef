// Wire shapes of API-key management (`/v1/keys`): key records, creation, rotation and their limits.
import { z } from 'zod';
import { BudgetCap, PLATFORM_ROLES, Role } from './resources.ts';

/**
 * Requests per minute a key gets unless its creator chose another limit: risk systems score
 * online and in portfolio batches, everyone else works at human pace.
 *
 * @example
 * defaultRateLimit('risk-system'); // 6000
 */
export const defaultRateLimit = (role: Role): number => (role === 'risk-system' ? 6000 : 600);

/**
 * The longest an old key may keep working after a rotation (one hour).
 *
 * @example
 * RotateKeyRequest.parse({ graceSeconds: MAX_GRACE_SECONDS });
 */
export const MAX_GRACE_SECONDS = 3600;

/**
 * Why a tenant does not fit a role, or null: platform roles belong to `platform`, data providers
 * to a domain id, bank roles to a bank id. The store and the request schema share this one rule.
 *
 * @example
 * tenantProblem('operator', 'bank-a'); // 'operator keys belong to tenant platform'
 */
export function tenantProblem(role: Role, tenant: string): string | null {
  if (PLATFORM_ROLES.includes(role))
    return tenant === 'platform' ? null : `${role} keys belong to tenant platform`;
  if (tenant === 'platform') return `${role} keys need a bank or domain tenant`;
  // The same id patterns the rest of the contract uses for banks and domains.
  const id = role === 'data-provider' ? BudgetCap.shape.domain : BudgetCap.shape.bank;
  return id.safeParse(tenant).success
    ? null
    : `${role} keys need a ${role === 'data-provider' ? 'domain' : 'bank'} id`;
}

/**
 * A key's public id: random, so it says nothing about the key or its hash.
 *
 * @example
 * KeyId.parse('key_0123456789abcdef');
 */
export const KeyId = z.string().regex(/^key_[0-9a-f]{16}$/, 'a key id (key_ and 16 hex digits)');

/**
 * What the lab keeps about a key — never the key, never its hash. `revokedAt` in the future is a
 * rotation's grace period: the key works until then.
 *
 * @example
 * ApiKeyRecord.parse({ keyId: 'key_0123456789abcdef', role: 'operator', tenant: 'platform', name: 'ops',
 *   rateLimit: 600, createdAt: '2026-01-01T00:00:00.000Z', expiresAt: null, revokedAt: null, rotatedFrom: null });
 */
export const ApiKeyRecord = z.object({
  keyId: KeyId,
  role: Role,
  /** A bank id, a domain id (data providers), or `platform` (operators, auditors). */
  tenant: z.string(),
  name: z.string(),
  /** Requests per minute. */
  rateLimit: z.number().int().positive(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  /** The key this one replaced by rotation. */
  rotatedFrom: KeyId.nullable(),
});
export type ApiKeyRecord = z.infer<typeof ApiKeyRecord>;

/**
 * `POST /v1/keys` (operators): a key for any tenant and role; limits default by role.
 *
 * @example
 * CreateKeyRequest.parse({ role: 'risk-system', tenant: 'bank-a', rateLimit: 1200 });
 */
export const CreateKeyRequest = z
  .strictObject({
    role: Role,
    tenant: z.string().max(64),
    name: z.string().min(1).max(120).optional(),
    rateLimit: z.number().int().min(1).max(1_000_000).optional(),
    expiresAt: z.iso
      .datetime()
      .refine((at) => Date.parse(at) > Date.now(), 'must be in the future')
      .optional(),
  })
  .superRefine((body, ctx) => {
    const problem = tenantProblem(body.role, body.tenant);
    if (problem) ctx.addIssue({ code: 'custom', path: ['tenant'], message: problem });
  });
export type CreateKeyRequest = z.infer<typeof CreateKeyRequest>;

/**
 * The answer to a creation: the key in clear, this once, and its record.
 *
 * @example
 * const { key, record } = CreatedKey.parse(await res.json());
 */
export const CreatedKey = z.object({ key: z.string(), record: ApiKeyRecord });
export type CreatedKey = z.infer<typeof CreatedKey>;

/**
 * `POST /v1/keys/:id/rotate` (operators, or the key's own holder): the old key keeps working for
 * `graceSeconds` (default 0: revoked at once), so a deployment can swap keys without downtime.
 *
 * @example
 * RotateKeyRequest.parse({ graceSeconds: 300 });
 */
export const RotateKeyRequest = z.strictObject({
  graceSeconds: z.number().int().min(0).max(MAX_GRACE_SECONDS).default(0),
});
export type RotateKeyRequest = z.infer<typeof RotateKeyRequest>;

/**
 * The answer to a rotation: the replacement (key shown once) and the old record with its `revokedAt`.
 *
 * @example
 * const { key, record, previous } = RotatedKey.parse(await res.json());
 */
export const RotatedKey = CreatedKey.extend({ previous: ApiKeyRecord });
export type RotatedKey = z.infer<typeof RotatedKey>;

/**
 * `GET /v1/keys?tenant=` query: one tenant's keys, or every key without it.
 *
 * @example
 * KeyListQuery.parse({ tenant: 'bank-a' });
 */
export const KeyListQuery = z.strictObject({ tenant: z.string().min(1).max(64).optional() });
export type KeyListQuery = z.infer<typeof KeyListQuery>;

/**
 * `GET /v1/keys` answer, oldest key first.
 *
 * @example
 * KeyList.parse(await res.json()).data.map((k) => k.keyId);
 */
export const KeyList = z.object({ data: z.array(ApiKeyRecord) });
export type KeyList = z.infer<typeof KeyList>;
