// vPIC DecodeVinValues answers: the recorded clean decode, the partial-errors decode for VINs
// starting with ZZ, and the clean decode re-labelled with the requested VIN for anything else.
import { CLEAN_VIN, fixtures, type VpicEnvelope } from './fixtures.ts';

function withVin(envelope: VpicEnvelope, vin: string): VpicEnvelope {
  const copy = structuredClone(envelope);
  copy.SearchCriteria = `VIN(s): ${vin}`;
  copy.Results[0].VIN = vin;
  return copy;
}

export function decodeVinValues(vin: string): VpicEnvelope {
  if (vin === CLEAN_VIN) return fixtures.vpicClean;
  if (vin.toUpperCase().startsWith('ZZ')) return withVin(fixtures.vpicPartial, vin);
  return withVin(fixtures.vpicClean, vin);
}
