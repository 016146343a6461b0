// What the admin API answers, for the OpenAPI document (docs/admin-api.md has the full shapes). The views
// are described by their envelope only: their inner shapes belong to src/admin/flag-view.ts,
// src/progressive/live.ts and src/shadow/report.ts, which the console's types are taken from.
import { Type } from '@sinclair/typebox';
import { ErrorBody, errorResponses } from '../policy/schemas.ts';

export const FlagsViewSchema = Type.Object({
  features: Type.Record(Type.String(), Type.Unknown({ description: 'FeatureView: stage, percent, shadowRate, backend, source, guard, ramp…' })),
  audit: Type.Array(Type.Unknown({ description: 'AuditEntry' }), { description: 'Newest first, the last 50' }),
}, { description: 'Every feature\'s stage and the audit trail' });

export const LiveViewSchema = Type.Unknown({ description: 'Per feature and backend: 1 min and 5 min figures and a 5 min series (docs/admin-api.md)' });
export const ShadowViewSchema = Type.Unknown({ description: 'Shadow comparisons per feature and route (docs/shadow.md)' });

/** The shadow gate's 409 carries its figures beside the contract's error fields (src/shadow/gate.ts). */
const GateConflictSchema = Type.Object({
  error: Type.Object({
    code: ErrorBody(409).properties.error.properties.code,
    message: Type.String(),
    details: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
    figures: Type.Optional(Type.Unknown({ description: 'The shadow gate\'s figures, when it refused the move' })),
  }),
}, { description: 'CONFLICT' });

/** An admin route's errors: 403 without the admin:flags permission, 404 for an unknown feature, and `statuses`. */
export function adminErrors<const S extends readonly number[]>(...statuses: S) {
  return { ...errorResponses(403, 404, ...statuses), 409: GateConflictSchema };
}
