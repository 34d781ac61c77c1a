/**
 * Parsing of the unit-bearing rule values (spec §2): `timeout "DURATION"`
 * and `resources { mem = "SIZE" }`. Pure; the callers report WF2018.
 */

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A duration such as `90s`, `10m`, `2h`, `1h30m`, `1.5h`, `500ms`, `1d` in
 * milliseconds (rounded to an integer); undefined when malformed or zero.
 * Components must be in decreasing unit order and each unit appear once.
 */
export function parseDuration(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;
  const order = ['d', 'h', 'm', 's', 'ms'];
  let pos = 0;
  let total = 0;
  let last = -1;
  const s = text.trim();
  if (s === '') return undefined;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return undefined;
    const rank = order.indexOf(m[2]!);
    if (rank <= last) return undefined;
    last = rank;
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    pos = re.lastIndex;
  }
  const ms = Math.round(total);
  return ms > 0 ? ms : undefined;
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/**
 * A memory size such as `2GiB`, `512MiB`, `1.5GB`, `100M`, `4096` in bytes
 * (rounded to an integer); undefined when malformed or zero. Binary units
 * (`KiB`, `MiB`, `GiB`, `TiB`) are powers of 1024; `K`, `M`, `G`, `T` with
 * or without `B` are powers of 1000, as in SI. Units are case-insensitive.
 */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!m) return undefined;
  const unit = SIZE_UNITS[m[2]!.toLowerCase()];
  if (unit === undefined) return undefined;
  const bytes = Math.round(Number(m[1]) * unit);
  return bytes > 0 ? bytes : undefined;
}
