// The audit log's wire shapes: the query of `GET /v1/audit`, its pages, and the chain check of `/v1/audit/verify`.
import { z } from 'zod';

/** A Redis stream id, `<ms>-<seq>`: the order of the log and the unit of its cursors. */
const StreamId = z.string().regex(/^\d{1,20}-\d{1,20}$/, 'must be a stream id like 1712000000000-0');
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');
const Filter = z.string().min(1).max(200);

/**
 * Entries a page may hold at most (the largest `limit` of `GET /v1/audit`).
 *
 * @example
 * const page = await lab.audit.list({ limit: String(AUDIT_PAGE_MAX) });
 */
export const AUDIT_PAGE_MAX = 1000;

/**
 * The query string of `GET /v1/audit`. Every filter narrows: `kind` ending in `.` is a prefix
 * (`job.` matches `job.approved`), otherwise exact; `entity` matches the entry's subject or an
 * entity its details list; `from`/`to` bound (inclusively, to the millisecond) when the entry was
 * appended. `cursor` is a page's `nextCursor`, passed back unchanged.
 *
 * @example
 * AuditQuery.parse({ kind: 'job.', from: '2025-01-01T00:00:00Z', limit: '50' }).limit; // 50
 */
export const AuditQuery = z
  .strictObject({
    actor: Filter.optional(),
    tenant: Filter.optional(),
    entity: Filter.optional(),
    kind: Filter.optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    /** `<after>_<until>`: the last stream id seen and the end of the snapshot the walk started on. */
    cursor: z
      .string()
      .regex(/^\d{1,20}-\d{1,20}_\d{1,20}-\d{1,20}$/, 'must be a nextCursor from a previous page')
      .optional(),
    limit: z
      .string()
      .regex(/^\d{1,4}$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().int().min(1).max(AUDIT_PAGE_MAX))
      .default(100),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), {
    message: 'to must not be before from',
    path: ['to'],
  });
export type AuditQuery = z.input<typeof AuditQuery>;

/**
 * One audit entry as stored. `prev` and `hash` (the chain links) are shown to operators and
 * auditors only: a tenant's neighbouring links belong to other tenants' entries.
 *
 * @example
 * const e: AuditEntry = { id: '1712000000000-0', kind: 'job.approved', actor: 'operator:platform:ab12',
 *   tenant: 'bank-a', subject: 'job_x', at: '2025-01-01T00:00:00.000Z' };
 */
export const AuditEntry = z.strictObject({
  id: StreamId,
  kind: z.string(),
  actor: z.string(),
  tenant: z.string(),
  subject: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
  /** When the writer recorded the event (its own clock; `id` carries Redis's). */
  at: z.string(),
  prev: Sha256.optional(),
  hash: Sha256.optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/**
 * A page of entries, oldest first. Each page scans a bounded stretch of the log, so a page may
 * hold fewer than `limit` entries (even none) while `nextCursor` is set; `null` means the walk is
 * done. A walk covers the log as it stood when its first page was read.
 *
 * @example
 * const page = AuditPage.parse(await res.json()); if (page.nextCursor) next(page.nextCursor);
 */
export const AuditPage = z.strictObject({
  data: z.array(AuditEntry),
  nextCursor: z.string().nullable(),
});
export type AuditPage = z.infer<typeof AuditPage>;

/**
 * The query string of `GET /v1/audit/verify`: optionally an anchor (a `head` from an earlier
 * check, kept outside the lab) that the entry with that id must still carry.
 *
 * @example
 * AuditVerifyQuery.parse({ anchorId: '1712000000000-0', anchorHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });
 */
export const AuditVerifyQuery = z
  .strictObject({ anchorId: StreamId.optional(), anchorHash: Sha256.optional() })
  .refine((q) => (q.anchorId === undefined) === (q.anchorHash === undefined), {
    message: 'anchorId and anchorHash go together',
    path: ['anchorHash'],
  });
export type AuditVerifyQuery = z.input<typeof AuditVerifyQuery>;

/**
 * Why a link failed: an entry's own hash, its link to the one before, the head key, or an anchor.
 *
 * @example
 * AuditBreak.parse('prev_mismatch');
 */
export const AuditBreak = z.enum(['hash_mismatch', 'prev_mismatch', 'head_mismatch', 'anchor_mismatch']);
export type AuditBreak = z.infer<typeof AuditBreak>;

/**
 * The chain check. `entries` counts the entries whose links held (all of them when `ok`).
 * On a break, `brokenAt` is the first entry whose link fails (`head` for the head key), `after`
 * the entry before it, `expected` the hash the link should carry and `found` what it carries
 * (`null` when an anchored entry is gone).
 *
 * @example
 * const v = AuditVerify.parse(body); if (!v.ok) console.log(v.brokenAt, v.reason);
 */
export const AuditVerify = z.discriminatedUnion('ok', [
  z.strictObject({
    ok: z.literal(true),
    entries: z.number().int().nonnegative(),
    /** The last entry and its hash: record it elsewhere to anchor later checks. */
    head: z.strictObject({ id: StreamId.nullable(), hash: Sha256 }),
  }),
  z.strictObject({
    ok: z.literal(false),
    entries: z.number().int().nonnegative(),
    brokenAt: z.union([StreamId, z.literal('head')]),
    reason: AuditBreak,
    after: StreamId.nullable(),
    expected: z.string(),
    found: z.string().nullable(),
  }),
]);
export type AuditVerify = z.infer<typeof AuditVerify>;
