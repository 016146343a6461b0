// An image fetched with the bearer token (never a bare <img src> to the API) and shown from a blob URL.
import { api } from '../lib/client.ts';
import { useBlobUrl } from '../lib/hooks.ts';

export function VehiclePhoto({ vehicleId, version, alt, className }: { vehicleId: string; version: string; alt: string; className?: string }) {
  const { url, failed } = useBlobUrl(() => api.blob(`/api/vehicles/${vehicleId}/photo`), `${vehicleId}:${version}`);
  if (failed) return <div className={`photo-placeholder ${className ?? ''}`} role="img" aria-label={`${alt} (could not be loaded)`}>!</div>;
  if (!url) return <div className={`photo-placeholder ${className ?? ''}`} role="img" aria-label={`${alt} (loading)`} />;
  return <img className={className} src={url} alt={alt} />;
}
