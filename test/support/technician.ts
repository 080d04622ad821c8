/**
 * A test technician: PIN 246810 and its scrypt hash as `npm run maintenance -- hash-pin` prints it.
 * (A fixture: no machine uses this PIN.)
 */
export const TECHNICIAN = {
  name: 'Agus',
  pin: '246810',
  pinHash: 'scrypt$16384$8$1$F1eWpRtjlUSj45ALKPvwFg==$nuLOzVXH1R79udiK8xLbxGWb0Q4iMZWLS3dTz/+PYaM=',
} as const;

/** The config override that signs the test technician up (all permissions unless given). */
export function technicianEnv(permissions?: readonly string[]): NodeJS.ProcessEnv {
  return {
    RVM_MAINTENANCE__TECHNICIANS: JSON.stringify([
      { name: TECHNICIAN.name, pinHash: TECHNICIAN.pinHash, ...(permissions ? { permissions } : {}) },
    ]),
  };
}
