// The API's resource shapes (API.md), as the web app reads them.
export interface Page<T> { items: T[]; total: number; limit: number; offset: number }

export interface Vehicle {
  id: string; vin: string | null; make: string; model: string; year: number;
  nickname: string | null; color: string | null; licensePlate: string | null; odometer: number;
  hasPhoto: boolean; createdAt: string; updatedAt: string;
}

export interface VinDecode {
  vin: string; make: string | null; model: string | null; year: number | null; trim: string | null;
  bodyClass: string | null; fuelType: string | null; engineCylinders: number | null;
  displacementL: number | null; manufacturer: string | null;
}

export interface FuelLog {
  id: string; vehicleId: string; date: string; odometer: number; gallons: number; pricePerGallon: number;
  totalCost: number; fullTank: boolean; stationPlaceId: string | null; notes: string | null;
  mpg: number | null; createdAt: string; updatedAt: string;
}

export interface FuelStats {
  vehicleId: string; logCount: number; totalGallons: number; totalCost: number; distance: number;
  averageMpg: number | null; costPerMile: number | null; lastFillUpDate: string | null;
}

export interface StationResult {
  placeId: string; name: string; address: string | null; lat: number; lng: number; rating: number | null;
  userRatingsTotal: number | null; openNow: boolean | null; distanceMeters: number;
}

export interface SavedStation {
  id: string; placeId: string; name: string; address: string | null; lat: number; lng: number;
  nickname: string | null; isFavorite: boolean; createdAt: string; updatedAt: string;
}

export const MAINTENANCE_TYPES = [
  'oil_change', 'tire_rotation', 'brake_service', 'inspection', 'battery', 'air_filter',
  'transmission_service', 'coolant_flush', 'other',
] as const;
export type MaintenanceType = (typeof MAINTENANCE_TYPES)[number];

export interface MaintenanceRecord {
  id: string; vehicleId: string; type: MaintenanceType; description: string | null; date: string;
  odometer: number | null; cost: number | null; shop: string | null; hasReceipt: boolean;
  createdAt: string; updatedAt: string;
}

export interface Schedule {
  id: string; vehicleId: string; type: MaintenanceType; intervalMiles: number | null;
  intervalMonths: number | null; notes: string | null; createdAt: string; updatedAt: string;
}

export type UpcomingStatus = 'overdue' | 'due_soon' | 'ok' | 'unknown';

export interface Upcoming {
  scheduleId: string; type: MaintenanceType; lastServiceDate: string | null; lastServiceOdometer: number | null;
  dueDate: string | null; dueOdometer: number | null; daysRemaining: number | null;
  milesRemaining: number | null; status: UpcomingStatus;
}
