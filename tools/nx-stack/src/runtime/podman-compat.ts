import { RuntimeOperationError } from './runtime-errors';

/*
 * Where Podman's Docker-compatible API (measured on Podman 4.3.1, API 1.41,
 * rootful, netavark) answers differently from Docker's, in what the runtime
 * relies on. docs/podman.md lists every difference found, including those
 * that need no code.
 */

/**
 * "This network already exists": Docker says 409; Podman 4.3 says 500
 * "network name … already used: network already exists" (newer Podman: 409).
 */
export function isNetworkExistsError(error: unknown): boolean {
  if (!(error instanceof RuntimeOperationError)) return false;
  return error.statusCode === 409 || (error.statusCode === 500 && /already exists|already used/i.test(error.reason));
}

/**
 * "Containers still use this network": Docker says 403 (or 409) "has active
 * endpoints"; Podman says 500 "… has associated containers with it …:
 * network is being used".
 */
export function isNetworkInUseError(error: unknown): boolean {
  if (!(error instanceof RuntimeOperationError)) return false;
  if (error.statusCode === 403 || error.statusCode === 409) return true;
  return error.statusCode === 500 && /being used|in use|associated containers|active endpoints/i.test(error.reason);
}

/**
 * What to name a network by when removing it. By name when it is the only one
 * of that name: Podman 4.3 checks whether containers use a network by
 * comparing the names they were attached under with what it was asked to
 * remove, so `DELETE /networks/<id>` removes a network its containers still
 * use (measured: it answers 204 and the members are left on a network that
 * no longer exists). By id only for duplicates of one name, which only
 * Docker makes (a lost creation race) and where the name is ambiguous.
 */
export function networkRemovalRef(name: string, sameName: ReadonlyArray<{ Id: string }>, network: { Id: string }): string {
  return sameName.length === 1 ? name : network.Id;
}

/**
 * Whether an object's labels match a label filter (an empty value: the label
 * is there, any value). Podman 4.3 ORs several `label` filters on volumes
 * (containers: ANDs them, like Docker), so `volume ls` for one service of one
 * stack also lists every other service's volumes and every other stack's
 * volumes of that service (measured: `down --wipe` of etcd removed Redis's
 * volumes). The runtime applies the filter again on what the engine returns.
 */
export function hasLabels(labels: Record<string, string> | null | undefined, filter: Record<string, string>): boolean {
  return Object.entries(filter).every(([k, v]) => (v === '' ? labels?.[k] !== undefined : labels?.[k] === v));
}
