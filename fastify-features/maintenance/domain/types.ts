// The maintenance types of API.md, in the contract's order (also the order of the database enum).
export const MAINTENANCE_TYPES = [
  'oil_change', 'tire_rotation', 'brake_service', 'inspection', 'battery', 'air_filter',
  'transmission_service', 'coolant_flush', 'other',
] as const;

export type MaintenanceType = (typeof MAINTENANCE_TYPES)[number];

/** "Ordered by type" means alphabetical order of the type name (code-unit order, like COLLATE "C"). */
export function compareType(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
