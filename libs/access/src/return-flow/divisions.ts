/**
 * 行政区划代码 (GB/T 2260, and the 9/12-digit township codes beyond it) nest by prefix once the
 * trailing pairs of zeros are dropped: 440000 (province) ⊃ 440100 (city) ⊃ 440106 (district).
 */
export function divisionPrefix(code: string): string {
  return code.trim().replace(/(?:00)+$/, '');
}

/** Whether `child` is a division strictly inside `parent` (a district of a city, a city of a province). */
export function isBelowDivision(child: string | null | undefined, parent: string | null | undefined): boolean {
  if (!child || !parent || !/^\d{2,12}$/.test(child) || !/^\d{2,12}$/.test(parent)) return false;
  const outer = divisionPrefix(parent);
  const inner = divisionPrefix(child);
  return outer.length > 0 && inner.length > outer.length && inner.startsWith(outer);
}
