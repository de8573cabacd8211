/**
 * Spreads `{ [key]: value }` only when the value is set: the driver stores `undefined` as `null`,
 * and a domain object should get an absent field back, not a `null` one.
 */
export const optional = <K extends string, V>(key: K, value: V | null | undefined): { [P in K]?: V } =>
  value === undefined || value === null ? {} : ({ [key]: value } as { [P in K]?: V });
