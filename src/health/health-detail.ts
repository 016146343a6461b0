// Who may see /health's detail (feature flags, dependency state): a verified token with the admin:flags
// permission, the same evidence as the admin API. Anyone else gets the status word only. Framework-neutral:
// the gateway and the legacy app both ask it.
import type { TokenVerifier } from '../policy/auth.ts';

/** True when `authorization` carries a valid admin:flags token; never throws (a probe never gets a 401). */
export async function showsDetail(verify: TokenVerifier, authorization: string | undefined): Promise<boolean> {
  if (!authorization) return false;
  try {
    return (await verify(authorization)).permissions.includes('admin:flags');
  } catch {
    return false;
  }
}
